{% import "macros.sql" as m %}
-- Grain: one row per area (gemeente, district, regio), evaluation period (year `2024` or
-- half-year `2024-H1`) and indicator: the yearly evaluation's figures with the nulmeting
-- (the same period of the baseline year: the year, or the same half) and the year before beside
-- them, and the differences. The five parts of the evaluation come first, in their order; then
-- the risk picture at the period's end (`risicobeeld`). Rebuilt for openbaar/ from the
-- suppressed int_evaluatie_waarden: a hidden value hides the differences it is part of.
-- A year's figure sits beside its goal (`stg_doelen`, a streefwaarde per area, year and
-- indicator) and whether it was reached: unknown (null) without a goal or without a value, so a
-- hidden figure says nothing about its goal either. Half-years have no goal.
-- A count of the period (signals, efforts) is tested against the same period a year earlier:
-- p_vorig_jaar, the conditional exact test of two Poisson counts of equal exposure, and
-- opvallend, true when it holds after Benjamini–Hochberg over the areas of the same level,
-- indicator and period (as in trends). A stand (a rate read from gebied_indicatoren) is tested
-- in trends, at its peilperiode.
-- Inputs: int_evaluatie_waarden, int_nulmeting, stg_evaluatie_indicatoren, stg_onderdelen,
-- stg_doelen, stg_fasen, stg_gebieden, stg_statistiek.
-- The funnel's indicators (one per phase, phase 1 being all signals) come from stg_fasen; the
-- forms (`signaalvormen`, one row each) come right after phase 1, the later phases after them.
with uitkomsten as (
    select indicator, omschrijving, 'aantal' as eenheid,
           case when fase = 1 then 1 else {{ signaalvormen | length }} + cast(fase as int) end as volgorde
    from stg_fasen
    union all
    select indicator, label as omschrijving, eenheid, coalesce(evaluatie_volgorde, 0) as volgorde
    from stg_indicatoren
    where evaluatie_onderdeel is not null
),

indicatoren as (
    select indicator, omschrijving, eenheid, volgorde from uitkomsten
    union all
    select indicator, omschrijving, 'aantal',
           100 + cast(row_number() over (order by indicator) as int)
    from stg_evaluatie_indicatoren
),

met_vergelijking as (
    select w.*, n.jaar as nulmeting_jaar,
           b.waarde as nulmeting, b.onderdrukt as nulmeting_onderdrukt,
           v.waarde as vorig_jaar, v.onderdrukt as vorig_jaar_onderdrukt
    from int_evaluatie_waarden w
    left join int_nulmeting n on n.niveau = w.niveau and n.gebiedscode = w.gebiedscode
    left join int_evaluatie_waarden b
      on b.niveau = w.niveau and b.gebiedscode = w.gebiedscode and b.indicator = w.indicator
     and b.jaar = n.jaar and b.halfjaar is not distinct from w.halfjaar
    left join int_evaluatie_waarden v
      on v.niveau = w.niveau and v.gebiedscode = w.gebiedscode and v.indicator = w.indicator
     and v.jaar = w.jaar - 1 and v.halfjaar is not distinct from w.halfjaar
),

getoetst as (
    select *,
           case when bron_kolom is null and waarde is not null and vorig_jaar is not null
                then p_twee_tellingen(waarde, 1.0, vorig_jaar, 1.0) end as p_vorig_jaar
    from met_vergelijking
),

toetsen as (
    select niveau, indicator, periode, p_vorig_jaar as p from getoetst
),

{{ m.bh_grenzen("toetsen") }},

final as (
    select m.niveau, m.gebiedscode, g.gebiedsnaam,
           case when m.niveau = 'gemeente' then m.gebiedscode end as gemeentecode,
           m.district_code, m.regio_code,
           m.jaar, m.periode, m.periodesoort,
           m.onderdeel, o.onderdeel_titel, o.onderdeel_volgorde,
           m.indicator, i.omschrijving, i.eenheid, i.volgorde as indicator_volgorde,
           m.persoonsaantal, m.peilperiode, m.bron_kolom,
           m.waarde, m.onderdrukt as waarde_onderdrukt,
           d.doel, d.richting as doel_richting,
           case when d.doel is null or m.waarde is null then cast(null as boolean)
                when d.richting = 'minimaal' then m.waarde >= d.doel
                else m.waarde <= d.doel end as doel_bereikt,
           m.nulmeting_jaar, m.nulmeting, coalesce(m.nulmeting_onderdrukt, false) as nulmeting_onderdrukt,
           m.waarde - m.nulmeting as verschil_nulmeting,
           case when m.nulmeting > 0 then 100.0 * (m.waarde - m.nulmeting) / m.nulmeting end as verschil_nulmeting_pct,
           m.vorig_jaar, coalesce(m.vorig_jaar_onderdrukt, false) as vorig_jaar_onderdrukt,
           m.waarde - m.vorig_jaar as verschil_vorig_jaar,
           case when m.vorig_jaar > 0 then 100.0 * (m.waarde - m.vorig_jaar) / m.vorig_jaar end as verschil_vorig_jaar_pct,
           m.p_vorig_jaar,
           case when m.p_vorig_jaar is not null then coalesce(m.p_vorig_jaar <= t.grens, false) end
               as opvallend,
           m.district_code as district
    from getoetst m
    left join grenzen t
      on t.niveau = m.niveau and t.indicator = m.indicator and t.periode = m.periode
    join stg_gebieden g on g.niveau = m.niveau and g.gebiedscode = m.gebiedscode
    join stg_onderdelen o on o.onderdeel = m.onderdeel
    join indicatoren i on i.indicator = m.indicator
    left join stg_doelen d
      on d.niveau = m.niveau and d.gebiedscode = m.gebiedscode and d.jaar = m.jaar
     and d.indicator = m.indicator and m.halfjaar is null
)

select * from final
order by case niveau when 'gemeente' then 1 when 'district' then 2 else 3 end,
         gebiedscode, periode, onderdeel_volgorde, indicator_volgorde
