-- Grain: one row per area (buurt, wijk, gemeente) and period that the chosen RNI snapshot
-- places rows in: persons registered, and distinct objects with ≥1 registration.
-- Aggregate rows (by gebiedscode) add persons but no addresses.
-- Inputs: int_rni_gekozen, stg_locaties.
with per_object as (
    select periode, locatie, verblijfsobject_id, sum(ingeschrevenen) as ingeschrevenen
    from int_rni_gekozen
    group by periode, locatie, verblijfsobject_id
),

per_locatie as (
    select periode, locatie,
           sum(ingeschrevenen) as rni_ingeschrevenen,
           sum(case when verblijfsobject_id is not null and ingeschrevenen >= 1 then 1 else 0 end) as rni_adressen
    from per_object
    group by periode, locatie
),

final as (
    select l.niveau, l.gebiedscode, p.periode,
           sum(p.rni_ingeschrevenen) as rni_ingeschrevenen,
           sum(p.rni_adressen) as rni_adressen
    from per_locatie p
    join stg_locaties l on l.locatie = p.locatie
    group by l.niveau, l.gebiedscode, p.periode
)

select * from final
