-- Grain: one row per part of the yearly evaluation, in the order of the report: the configured
-- parts ([evaluatie.onderdelen], by default the five of the approach), then the risk picture at
-- the period's end. The Jaarevaluatie makes one chapter of each.
-- Inputs: stg_onderdelen.
with final as (
    select onderdeel, onderdeel_titel, onderdeel_omschrijving, onderdeel_volgorde
    from stg_onderdelen
)

select * from final
order by onderdeel_volgorde
