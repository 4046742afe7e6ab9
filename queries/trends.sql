-- Grain: one row per area, indicator and period (outputs.md §2): the value, its change against
-- the previous period and the same period a year before, the mean of the last four periods, and
-- how it compares with the other areas of its level in the regio (mean and z-score).
-- Inputs: gebied_indicatoren, stg_perioden.
with lang as (
    select niveau, gebiedscode, regio_code, district, periode, 'inwoners' as indicator, cast(inwoners as double) as waarde from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'vbo_in_gebruik', cast(vbo_in_gebruik as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'leeg_aantal', cast(leeg_aantal as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'leeg_pct', leeg_pct from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'rni_ingeschrevenen', cast(rni_ingeschrevenen as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'rni_adressen', cast(rni_adressen as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'rni_per_1000_inwoners', rni_per_1000_inwoners from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'verborgen_bewoning', cast(verborgen_bewoning as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'kvk_risico_actief', cast(kvk_risico_actief as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'kvk_uitzendbureaus', cast(kvk_uitzendbureaus as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'kvk_risico_nieuw', cast(kvk_risico_nieuw as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'kvk_risico_opgeheven', cast(kvk_risico_opgeheven as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'kvk_kortlevend', cast(kvk_kortlevend as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'kvk_adresconcentratie', cast(kvk_adresconcentratie as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'signalen_totaal', cast(signalen_totaal as double) from gebied_indicatoren
    union all select niveau, gebiedscode, regio_code, district, periode, 'risicoscore', risicoscore from gebied_indicatoren
),

met_perioden as (
    select l.*, p.vorige_periode as vorige_label, p.vorig_jaar_periode as vorig_jaar_label
    from lang l
    join stg_perioden p on p.periode = l.periode
),

vergeleken as (
    select m.*,
           v.waarde as vorige_periode,
           j.waarde as vorig_jaar,
           avg(m.waarde) over (partition by m.niveau, m.gebiedscode, m.indicator order by m.periode
                               rows between 3 preceding and current row) as gemiddelde_4_perioden,
           avg(m.waarde) over regio as regio_gemiddelde,
           stddev_pop(m.waarde) over regio as regio_sd
    from met_perioden m
    left join lang v
      on v.niveau = m.niveau and v.gebiedscode = m.gebiedscode
     and v.indicator = m.indicator and v.periode = m.vorige_label
    left join lang j
      on j.niveau = m.niveau and j.gebiedscode = m.gebiedscode
     and j.indicator = m.indicator and j.periode = m.vorig_jaar_label
    window regio as (partition by m.niveau, m.regio_code, m.indicator, m.periode order by m.gebiedscode
                     rows between unbounded preceding and unbounded following)
),

final as (
    select niveau, gebiedscode, indicator, periode, waarde,
           vorige_periode,
           waarde - vorige_periode as verschil_vorige_periode,
           vorig_jaar,
           100.0 * (waarde - vorig_jaar) / nullif(abs(vorig_jaar), 0) as verschil_vorig_jaar_pct,
           gemiddelde_4_perioden,
           regio_gemiddelde,
           case when waarde is null then null
                when regio_sd = 0 then 0.0
                else (waarde - regio_gemiddelde) / regio_sd end as z_score,
           district
    from vergeleken
)

select * from final
order by case niveau when 'buurt' then 1 when 'wijk' then 2 when 'gemeente' then 3
                     when 'district' then 4 else 5 end,
         gebiedscode, indicator, periode
