{% import "macros.sql" as m %}
-- Grain: one row per area, indicator (on the levels it exists on) and period (outputs.md §2): the value, its change against
-- the previous period and the same period a year before, the mean of the last four periods, and
-- how it compares with the other areas of its level in the regio (mean and z-score). For every
-- ratio of the registry (statistics.md §4), whether the change against a year earlier is more
-- than chance:
-- p_vorig_jaar, the conditional exact test of the two counts given their denominators, and
-- opvallend, true when the Benjamini–Hochberg adjusted p-value over the areas of the same level,
-- indicator and period is below [statistiek] fdr.
-- Inputs: gebied_indicatoren, int_gebied_ratios (the rates' denominators), stg_perioden,
-- stg_statistiek.
--
-- The earlier periods are looked up while the table is still wide (one row per area and period,
-- the values of the registry's trend indicators in one array), and only then unpivoted to one
-- row per indicator: joining and windowing the long form took four times as long.
-- gebied_indicatoren holds every area for every period (its spine is areas × periods), so "the
-- last four periods" are the period itself and the three before it, whichever has a value.
-- The names and the values come from one loop over the registry (`trends`), so each value
-- stands beside its own name; a ratio's test is then looked up by that name.
with indicatoren as (
    select make_array(
{% for i in trends %}
               '{{ i.naam }}'{{ "," if not loop.last }}
{% endfor %}
           ) as namen
),

waarden as (
    select niveau, gebiedscode, regio_code, district, periode,
           make_array(
{% for i in trends %}
               {% if i.soort == "aantal" %}cast(g.{{ i.naam }} as double){% else %}g.{{ i.naam }}{% endif %}{{ "," if not loop.last }}
{% endfor %}
           ) as waarden
    from gebied_indicatoren g
),

-- The test of each ratio's change against a year earlier: one column per ratio, named after it
-- (the counts and denominators are in int_gebied_ratios), null where either year has no rate.
toetsen as (
    select nu.niveau, nu.gebiedscode, nu.periode,
{% for r in verhoudingen %}
           case when nu.{{ r.naam }} is not null and vj.{{ r.naam }} is not null then
               p_twee_tellingen(cast(nu.{{ r.telling }} as double), cast(nu.{{ r.noemer }} as double),
                                cast(vj.{{ r.telling }} as double), cast(vj.{{ r.noemer }} as double))
           end as p_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from int_gebied_ratios nu
    join stg_perioden pe on pe.periode = nu.periode
    join int_gebied_ratios vj
      on vj.niveau = nu.niveau and vj.gebiedscode = nu.gebiedscode and vj.periode = pe.vorig_jaar_periode
),

-- Each area-period beside the same area one, two and three periods and one year earlier
-- (null when that period is outside the data).
met_eerder as (
    select w.*,
           p1.waarden as vorige, p2.waarden as twee_terug, p3.waarden as drie_terug,
           j.waarden as vorig_jaar,
{% for r in verhoudingen %}
           t.p_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
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
    left join toetsen t
      on t.niveau = w.niveau and t.gebiedscode = w.gebiedscode and t.periode = w.periode
),

-- The unpivot: unnest() side by side walks the arrays in step; a missing earlier period (a null
-- array) gives nulls.
ongetoetst as (
    select niveau, gebiedscode, regio_code, district, periode,
           unnest(n.namen) as indicator,
           unnest(waarden) as waarde,
           unnest(vorige) as vorige_periode,
           unnest(twee_terug) as twee_terug,
           unnest(drie_terug) as drie_terug,
           unnest(vorig_jaar) as vorig_jaar{{ "," if verhoudingen }}
{% for r in verhoudingen %}
           p_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from met_eerder
    cross join indicatoren n
),

-- Each ratio's row with its own test, picked by the row's indicator name; an indicator only on
-- the levels it exists on (signals from the gemeente up).
lang as (
    select niveau, gebiedscode, regio_code, district, periode, indicator,
           waarde, vorige_periode, twee_terug, drie_terug, vorig_jaar,
           case indicator
{% for r in verhoudingen %}
               when '{{ r.naam }}' then p_{{ r.naam }}
{% endfor %}
           end as p_vorig_jaar
    from ongetoetst
    where case indicator
{% for i in trends if i.niveaus %}
              when '{{ i.naam }}' then niveau in ('{{ i.niveaus | join("', '") }}')
{% endfor %}
              else true end
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

-- Benjamini–Hochberg over the areas of a level, indicator and period (macros.sql).
toetsen_lang as (
{% for r in verhoudingen %}
    {{ "union all" if not loop.first }}
    select niveau, periode, '{{ r.naam }}' as indicator, p_{{ r.naam }} as p from toetsen
{% endfor %}
),

{{ m.bh_grenzen("toetsen_lang") }},

final as (
    select v.niveau, gebiedscode, v.indicator, v.periode, waarde,
           vorige_periode,
           waarde - vorige_periode as verschil_vorige_periode,
           vorig_jaar,
           100.0 * (waarde - vorig_jaar) / nullif(abs(vorig_jaar), 0) as verschil_vorig_jaar_pct,
           gemiddelde_4_perioden,
           regio_gemiddelde,
           case when waarde is null then null
                when regio_sd = 0 then 0.0
                else (waarde - regio_gemiddelde) / regio_sd end as z_score,
           p_vorig_jaar,
           case when p_vorig_jaar is not null then coalesce(p_vorig_jaar <= g.grens, false) end
               as opvallend,
           district
    from vergeleken v
    left join grenzen g
      on g.niveau = v.niveau and g.indicator = v.indicator and g.periode = v.periode
)

select * from final
order by case niveau when 'buurt' then 1 when 'wijk' then 2 when 'gemeente' then 3
                     when 'district' then 4 else 5 end,
         gebiedscode, indicator, periode
