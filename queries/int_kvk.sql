-- Grain: one row per area (buurt, wijk, gemeente), period and risk sector: vestigingen active at
-- the period's end, registered and deregistered inside it, and deregistered within 365 days of
-- registration. Period labels of one grain sort as text, so "registered on or before the end of
-- period P" is `periode_inschrijving <= P`.
-- Inputs: stg_kvk, stg_perioden, stg_locaties.
with risico as (
    select * from stg_kvk where sector is not null
),

actief as (
    select p.periode, k.locatie, k.sector, count(*) as actief
    from risico k
    join stg_perioden p
      on k.periode_inschrijving <= p.periode
     and (k.periode_uitschrijving is null or k.periode_uitschrijving > p.periode)
    group by p.periode, k.locatie, k.sector
),

nieuw as (
    select k.periode_inschrijving as periode, k.locatie, k.sector, count(*) as nieuw
    from risico k
    join stg_perioden p on p.periode = k.periode_inschrijving
    group by k.periode_inschrijving, k.locatie, k.sector
),

opgeheven as (
    select k.periode_uitschrijving as periode, k.locatie, k.sector,
           count(*) as opgeheven,
           sum(case when k.kortlevend then 1 else 0 end) as kortlevend
    from risico k
    join stg_perioden p on p.periode = k.periode_uitschrijving
    group by k.periode_uitschrijving, k.locatie, k.sector
),

stromen as (
    select periode, locatie, sector, actief, 0 as nieuw, 0 as opgeheven, 0 as kortlevend from actief
    union all
    select periode, locatie, sector, 0, nieuw, 0, 0 from nieuw
    union all
    select periode, locatie, sector, 0, 0, opgeheven, kortlevend from opgeheven
),

final as (
    select l.niveau, l.gebiedscode, s.periode, s.sector,
           sum(s.actief) as actief,
           sum(s.nieuw) as nieuw,
           sum(s.opgeheven) as opgeheven,
           sum(s.kortlevend) as kortlevend
    from stromen s
    join stg_locaties l on l.locatie = s.locatie
    group by l.niveau, l.gebiedscode, s.periode, s.sector
)

select * from final
