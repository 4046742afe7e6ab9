-- Grain: one row per area (buurt, wijk, gemeente) and period: verblijfsobjecten with at least
-- `concentration_threshold` active risk-sector vestigingen at the period's end. Only vestigingen
-- placed by object id or address have an object.
-- Inputs: stg_kvk, stg_perioden, stg_locaties, stg_instellingen.
with per_object as (
    select p.periode, k.locatie, k.verblijfsobject_id, count(*) as actief
    from stg_kvk k
    join stg_perioden p
      on k.periode_inschrijving <= p.periode
     and (k.periode_uitschrijving is null or k.periode_uitschrijving > p.periode)
    where k.sector is not null and k.verblijfsobject_id is not null
    group by p.periode, k.locatie, k.verblijfsobject_id
),

per_locatie as (
    select o.periode, o.locatie, count(*) as kvk_adresconcentratie
    from per_object o
    cross join stg_instellingen i
    where o.actief >= i.concentratie_drempel
    group by o.periode, o.locatie
),

final as (
    select l.niveau, l.gebiedscode, c.periode, sum(c.kvk_adresconcentratie) as kvk_adresconcentratie
    from per_locatie c
    join stg_locaties l on l.locatie = c.locatie
    group by l.niveau, l.gebiedscode, c.periode
)

select * from final
