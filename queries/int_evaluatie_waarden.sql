-- Grain: one row per area (gemeente, district, regio), evaluation period (a year `2024` or a
-- half-year `2024-H1`) and indicator: the values of the yearly evaluation, before the nulmeting
-- and the year before are put beside them (`evaluatie`). Three kinds of rows:
--   * efforts from `inspanningen` (per gemeente, or regional: per district or regio): a year is
--     the sum of all its rows; a half-year exists only
--     where every row of that year was delivered per half-year, quarter or month (a whole-year
--     row cannot be split), so that a year is then exactly the sum of its halves;
--   * signals of the period, by form, and how many reached each phase after the first (the
--     funnel of the five-phase process; phase 1, ontvangst, is signalen_totaal);
--   * the stand of `gebied_indicatoren` at the period's last period with a value (`peilperiode`), with the
--     column it is read from (`bron_kolom`), so that disclosure control hides it with that cell.
-- Above the gemeente, counts are sums over the member gemeenten, plus the regional efforts
-- delivered for the district or regio itself (a district's count in its regio too). `persoonsaantal`: a count of
-- people in a vulnerable position, protected by disclosure control. `onderdrukt` is false here;
-- disclosure control sets it (and nulls `waarde`) before `evaluatie` is rebuilt for openbaar/.
-- Inputs: stg_inspanningen, stg_evaluatie_indicatoren, int_signalen, signalen_fasen, stg_fasen,
-- stg_perioden, int_gemeente_naar_boven, gebied_indicatoren, stg_gebieden.
with inspanning_jaar as (
    select niveau, gebiedscode, jaar, indicator, sum(aantal) as aantal,
           bool_and(halfjaar is not null) as uit_halfjaren
    from stg_inspanningen
    group by niveau, gebiedscode, jaar, indicator
),

inspanning_halfjaar as (
    select i.niveau, i.gebiedscode, i.jaar, i.halfjaar, i.indicator, sum(i.aantal) as aantal
    from stg_inspanningen i
    join inspanning_jaar j
      on j.niveau = i.niveau and j.gebiedscode = i.gebiedscode and j.jaar = i.jaar
     and j.indicator = i.indicator
    where j.uit_halfjaren
    group by i.niveau, i.gebiedscode, i.jaar, i.halfjaar, i.indicator
),

inspanningen as (
    select j.niveau, j.gebiedscode, j.jaar, cast(null as int) as halfjaar, j.indicator,
           d.onderdeel, d.persoonsaantal, cast(j.aantal as double) as waarde
    from inspanning_jaar j
    join stg_evaluatie_indicatoren d on d.indicator = j.indicator
    union all
    select h.niveau, h.gebiedscode, h.jaar, h.halfjaar, h.indicator,
           d.onderdeel, d.persoonsaantal, cast(h.aantal as double)
    from inspanning_halfjaar h
    join stg_evaluatie_indicatoren d on d.indicator = h.indicator
),

signalen_per_periode as (
    select s.gemeentecode, p.jaar, p.halfjaar, s.signalen_totaal,
{% for v in signaalvormen %}
           s.{{ v.naam }}{{ "," if not loop.last }}
{% endfor %}
    from int_signalen s
    join stg_perioden p on p.periode = s.periode
),

signalen_lang as (
    select gemeentecode, jaar, halfjaar, 'signalen_totaal' as indicator, signalen_totaal as aantal from signalen_per_periode
{% for v in signaalvormen %}
    union all
    select gemeentecode, jaar, halfjaar, '{{ v.naam }}', {{ v.naam }} from signalen_per_periode
{% endfor %}
    union all
    select f.gebiedscode, p.jaar, p.halfjaar, sf.indicator, f.bereikt
    from signalen_fasen f
    join stg_perioden p on p.periode = f.periode
    join stg_fasen sf on sf.fase = f.fase
    where f.fase >= 2
),

signalen as (
    select 'gemeente' as niveau, gemeentecode as gebiedscode, jaar, cast(null as int) as halfjaar, indicator,
           'signalering' as onderdeel, true as persoonsaantal, cast(sum(aantal) as double) as waarde
    from signalen_lang
    group by gemeentecode, jaar, indicator
    union all
    select 'gemeente', gemeentecode, jaar, halfjaar, indicator,
           'signalering', true, cast(sum(aantal) as double)
    from signalen_lang
    where halfjaar is not null
    group by gemeentecode, jaar, halfjaar, indicator
),

-- Each area's own figures: a gemeente's efforts and signals, a district's or regio's regional
-- efforts (never person counts: those are delivered per gemeente).
eigen as (
    select * from inspanningen
    union all
    select * from signalen
),

-- Where else a figure counts: a gemeente's in its district and regio, a district's in its regio.
-- A regional effort is never put into a gemeente.
naar_boven as (
    select 'gemeente' as niveau, gemeentecode as gebiedscode,
           niveau as boven_niveau, gebiedscode as boven_code
    from int_gemeente_naar_boven
    union all
    select 'district', gebiedscode, 'regio', regio_code
    from stg_gebieden
    where niveau = 'district' and regio_code is not null
),

bijdragen as (
    select * from eigen
    union all
    select b.boven_niveau, b.boven_code, e.jaar, e.halfjaar, e.indicator,
           e.onderdeel, e.persoonsaantal, e.waarde
    from eigen e
    join naar_boven b on b.niveau = e.niveau and b.gebiedscode = e.gebiedscode
),

tellingen as (
    select niveau, gebiedscode, jaar, halfjaar, indicator, onderdeel, persoonsaantal,
           sum(waarde) as waarde
    from bijdragen
    group by niveau, gebiedscode, jaar, halfjaar, indicator, onderdeel, persoonsaantal
),

-- The registry's indicators of the part `risicobeeld` (`stand`), each with the column of
-- gebied_indicatoren whose disclosure flag decides it: its own for a count, its count's for a
-- ratio.
stand_bronnen as (
    select * from (values
{% for i in stand %}
        ('{{ i.naam }}', '{{ i.telling or i.naam }}', {{ "true" if i.persoonsaantal else "false" }}){{ "," if not loop.last }}
{% endfor %}
    ) as t(indicator, bron_kolom, persoonsaantal)
),

-- Every stand with a value, in every period of the table.
stand_waarden as (
    select g.niveau, g.gebiedscode, g.periode, p.jaar, p.halfjaar, b.indicator,
           b.persoonsaantal, b.bron_kolom,
           case b.indicator
{% for i in stand %}
               when '{{ i.naam }}' then {% if i.soort == "aantal" %}cast(g.{{ i.naam }} as double){% else %}g.{{ i.naam }}{% endif %}

{% endfor %}
           end as waarde
    from gebied_indicatoren g
    join stg_perioden p on p.periode = g.periode
    cross join stand_bronnen b
    where g.niveau in ('gemeente', 'district', 'regio')
),

-- The stand of a year or half-year is read at its last period with a value (`peilperiode`).
stand_gerangschikt as (
    select *, cast(null as int) as stand_halfjaar,
           row_number() over (partition by niveau, gebiedscode, jaar, indicator
                              order by periode desc) as rang
    from stand_waarden where waarde is not null
    union all
    select *, halfjaar as stand_halfjaar,
           row_number() over (partition by niveau, gebiedscode, jaar, halfjaar, indicator
                              order by periode desc)
    from stand_waarden where waarde is not null and halfjaar is not null
),

stand as (
    select niveau, gebiedscode, jaar, stand_halfjaar as halfjaar, indicator,
           'risicobeeld' as onderdeel, persoonsaantal, waarde,
           periode as peilperiode, bron_kolom
    from stand_gerangschikt
    where rang = 1
),

alle as (
    select niveau, gebiedscode, jaar, halfjaar, indicator, onderdeel, persoonsaantal, waarde,
           cast(null as varchar) as peilperiode, cast(null as varchar) as bron_kolom
    from tellingen
    union all
    select * from stand
),

final as (
    select a.niveau, a.gebiedscode, g.district_code, g.regio_code, a.jaar,
           case when a.halfjaar is null then cast(a.jaar as varchar)
                else concat(cast(a.jaar as varchar), '-H', cast(a.halfjaar as varchar)) end as periode,
           case when a.halfjaar is null then 'jaar' else 'halfjaar' end as periodesoort,
           a.halfjaar, a.onderdeel, a.indicator, a.waarde, a.persoonsaantal,
           a.peilperiode, a.bron_kolom, false as onderdrukt
    from alle a
    join stg_gebieden g on g.niveau = a.niveau and g.gebiedscode = a.gebiedscode
)

select * from final
order by niveau, gebiedscode, periode, indicator
