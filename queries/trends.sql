-- Grain: one row per area, indicator and period (outputs.md §2): the value, its change against
-- the previous period and the same period a year before, the mean of the last four periods, and
-- how it compares with the other areas of its level in the regio (mean and z-score).
-- Inputs: gebied_indicatoren, stg_perioden.
--
-- The earlier periods are looked up while the table is still wide (one row per area and period,
-- the sixteen values in one array), and only then unpivoted to one row per indicator: joining
-- and windowing the long form (16 times as many rows) took four times as long. gebied_indicatoren
-- holds every area for every period (its spine is areas × periods), so "the last four periods"
-- are the period itself and the three before it, whichever of them has a value.
with waarden as (
    select niveau, gebiedscode, regio_code, district, periode,
           -- In the order of the names in `lang` below.
           make_array(
               cast(inwoners as double),
               cast(vbo_in_gebruik as double),
               cast(leeg_aantal as double),
               leeg_pct,
               cast(rni_ingeschrevenen as double),
               cast(rni_adressen as double),
               rni_per_1000_inwoners,
               cast(verborgen_bewoning as double),
               cast(kvk_risico_actief as double),
               cast(kvk_uitzendbureaus as double),
               cast(kvk_risico_nieuw as double),
               cast(kvk_risico_opgeheven as double),
               cast(kvk_kortlevend as double),
               cast(kvk_adresconcentratie as double),
               cast(signalen_totaal as double),
               risicoscore
           ) as waarden
    from gebied_indicatoren
),

-- Each area-period beside the same area one, two and three periods and one year earlier
-- (null when that period is outside the data).
met_eerder as (
    select w.*,
           p1.waarden as vorige, p2.waarden as twee_terug, p3.waarden as drie_terug,
           j.waarden as vorig_jaar
    from waarden w
    join stg_perioden nu on nu.periode = w.periode
    left join stg_perioden een_terug on een_terug.periode = nu.vorige_periode
    left join stg_perioden twee on twee.periode = een_terug.vorige_periode
    left join waarden p1
      on p1.niveau = w.niveau and p1.gebiedscode = w.gebiedscode and p1.periode = nu.vorige_periode
    left join waarden p2
      on p2.niveau = w.niveau and p2.gebiedscode = w.gebiedscode and p2.periode = een_terug.vorige_periode
    left join waarden p3
      on p3.niveau = w.niveau and p3.gebiedscode = w.gebiedscode and p3.periode = twee.vorige_periode
    left join waarden j
      on j.niveau = w.niveau and j.gebiedscode = w.gebiedscode and j.periode = nu.vorig_jaar_periode
),

-- The unpivot: unnest() side by side walks the arrays in step; a missing earlier period (a null
-- array) gives nulls.
lang as (
    select niveau, gebiedscode, regio_code, district, periode,
           unnest(make_array(
               'inwoners', 'vbo_in_gebruik', 'leeg_aantal', 'leeg_pct',
               'rni_ingeschrevenen', 'rni_adressen', 'rni_per_1000_inwoners', 'verborgen_bewoning',
               'kvk_risico_actief', 'kvk_uitzendbureaus', 'kvk_risico_nieuw', 'kvk_risico_opgeheven',
               'kvk_kortlevend', 'kvk_adresconcentratie', 'signalen_totaal', 'risicoscore'
           )) as indicator,
           unnest(waarden) as waarde,
           unnest(vorige) as vorige_periode,
           unnest(twee_terug) as twee_terug,
           unnest(drie_terug) as drie_terug,
           unnest(vorig_jaar) as vorig_jaar
    from met_eerder
),

-- How each value compares with the other areas of its level in its regio, per indicator and
-- period (null values left out). A window ordered by gebiedscode, not a GROUP BY, so that the
-- sums run in one order and the doubles come out the same in every run.
vergeleken as (
    select *,
           (coalesce(waarde, 0) + coalesce(vorige_periode, 0)
            + coalesce(twee_terug, 0) + coalesce(drie_terug, 0))
           / nullif(cast(waarde is not null as int) + cast(vorige_periode is not null as int)
                    + cast(twee_terug is not null as int) + cast(drie_terug is not null as int), 0)
               as gemiddelde_4_perioden,
           avg(waarde) over regio as regio_gemiddelde,
           stddev_pop(waarde) over regio as regio_sd
    from lang
    window regio as (partition by niveau, regio_code, indicator, periode order by gebiedscode
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
