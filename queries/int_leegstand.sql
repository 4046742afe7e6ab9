-- Grain: one row per area (buurt, wijk, gemeente) and period that the chosen leegstand snapshot
-- places rows in: objects in use, administratief leeg, and verborgen bewoning (leeg objects with
-- ≥1 RNI registration in the chosen RNI snapshot of the same gemeente and period).
-- Inputs: stg_objecten, stg_object_plaatsen, stg_leegstand_aggregaat, int_rni_gekozen,
-- stg_locaties, int_gekozen_peildata.
--
-- The object rows (tens of millions) are grouped and joined on their place number and
-- peildatum; a place's codes and period come from the small tables.
with gekozen_plaatsen as (
    -- Per period, each place of a gemeente with the peildatum chosen for it.
    select p.plaats, p.gemeentecode, p.locatie, k.periode, k.peildatum
    from stg_object_plaatsen p
    join int_gekozen_peildata k on k.bron = 'leegstand' and k.gemeentecode = p.gemeentecode
),

per_plaats as (
    select peildatum, plaats,
           count(*) as vbo_in_gebruik,
           sum(case when leeg then 1 else 0 end) as leeg_aantal
    from stg_objecten
    group by peildatum, plaats
),

objecten_per_locatie as (
    select g.periode, g.locatie,
           sum(o.vbo_in_gebruik) as vbo_in_gebruik,
           sum(o.leeg_aantal) as leeg_aantal
    from per_plaats o
    join gekozen_plaatsen g on g.plaats = o.plaats and g.peildatum = o.peildatum
    group by g.periode, g.locatie
),

aggregaten_per_locatie as (
    select a.periode, a.locatie,
           sum(a.in_gebruik) as vbo_in_gebruik,
           sum(a.leeg) as leeg_aantal
    from stg_leegstand_aggregaat a
    join int_gekozen_peildata k
      on k.bron = 'leegstand' and k.gemeentecode = a.gemeentecode
     and k.periode = a.periode and k.peildatum = a.peildatum
    group by a.periode, a.locatie
),

objecten_met_rni as (
    select gemeentecode, periode, verblijfsobject_id
    from int_rni_gekozen
    where verblijfsobject_id is not null
    group by gemeentecode, periode, verblijfsobject_id
    having sum(ingeschrevenen) >= 1
),

verborgen_per_locatie as (
    select g.periode, g.locatie, count(*) as verborgen_bewoning
    from stg_objecten o
    join gekozen_plaatsen g on g.plaats = o.plaats and g.peildatum = o.peildatum
    join objecten_met_rni r
      on r.gemeentecode = g.gemeentecode and r.periode = g.periode
     and r.verblijfsobject_id = o.verblijfsobject_id
    where o.leeg
    group by g.periode, g.locatie
),

per_locatie as (
    select periode, locatie, sum(vbo_in_gebruik) as vbo_in_gebruik, sum(leeg_aantal) as leeg_aantal,
           cast(0 as bigint) as verborgen_bewoning
    from (select * from objecten_per_locatie union all select * from aggregaten_per_locatie) v
    group by periode, locatie
    union all
    select periode, locatie, cast(0 as bigint), cast(0 as bigint), verborgen_bewoning
    from verborgen_per_locatie
),

final as (
    select l.niveau, l.gebiedscode, p.periode,
           sum(p.vbo_in_gebruik) as vbo_in_gebruik,
           sum(p.leeg_aantal) as leeg_aantal,
           sum(p.verborgen_bewoning) as verborgen_bewoning
    from per_locatie p
    join stg_locaties l on l.locatie = p.locatie
    group by l.niveau, l.gebiedscode, p.periode
)

select * from final
