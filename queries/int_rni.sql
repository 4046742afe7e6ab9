-- Grain: one row per area (buurt, wijk, gemeente) and period that the chosen RNI snapshot
-- places rows in: persons registered, distinct objects with ≥1 registration, the objects with
-- at least `rni_meervoudig_vanaf` registrants, and the objects with registrants where an
-- uitzendbureau vestiging is active on the snapshot's peildatum (registered on or before it,
-- not deregistered on or before it; two vestigingen at one object count once).
-- Aggregate rows (by gebiedscode) add persons but no addresses.
-- Inputs: int_rni_gekozen, stg_kvk, stg_instellingen, stg_locaties.
with per_object as (
    select periode, peildatum, locatie, verblijfsobject_id, sum(ingeschrevenen) as ingeschrevenen
    from int_rni_gekozen
    group by periode, peildatum, locatie, verblijfsobject_id
),

uitzendbureaus as (
    select k.verblijfsobject_id, k.datum_inschrijving, k.datum_uitschrijving
    from stg_kvk k
    cross join stg_instellingen i
    where k.sector = i.uitzend_sector and k.verblijfsobject_id is not null
),

met_uitzendbureau as (
    select distinct o.periode, o.verblijfsobject_id
    from per_object o
    join uitzendbureaus u on u.verblijfsobject_id = o.verblijfsobject_id
    where o.ingeschrevenen >= 1
      and u.datum_inschrijving <= o.peildatum
      and (u.datum_uitschrijving is null or u.datum_uitschrijving > o.peildatum)
),

per_locatie as (
    select o.periode, o.locatie,
           sum(o.ingeschrevenen) as rni_ingeschrevenen,
           sum(case when o.verblijfsobject_id is not null and o.ingeschrevenen >= 1
                    then 1 else 0 end) as rni_adressen,
           sum(case when o.verblijfsobject_id is not null and o.ingeschrevenen >= i.rni_meervoudig_vanaf
                    then 1 else 0 end) as rni_adressen_meervoudig,
           sum(case when m.verblijfsobject_id is not null then 1 else 0 end) as rni_adressen_uitzendbureau
    from per_object o
    cross join stg_instellingen i
    left join met_uitzendbureau m
      on m.periode = o.periode and m.verblijfsobject_id = o.verblijfsobject_id
    group by o.periode, o.locatie
),

final as (
    select l.niveau, l.gebiedscode, p.periode,
           sum(p.rni_ingeschrevenen) as rni_ingeschrevenen,
           sum(p.rni_adressen) as rni_adressen,
           sum(p.rni_adressen_meervoudig) as rni_adressen_meervoudig,
           sum(p.rni_adressen_uitzendbureau) as rni_adressen_uitzendbureau
    from per_locatie p
    join stg_locaties l on l.locatie = p.locatie
    group by l.niveau, l.gebiedscode, p.periode
)

select * from final
