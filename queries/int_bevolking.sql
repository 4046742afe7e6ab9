-- Grain: one row per area (buurt, wijk, gemeente) and period: the population of the period's
-- year, else of the latest earlier year (inputs.md §3).
-- Inputs: stg_bevolking, stg_perioden.
with kandidaten as (
    select b.gebiedscode, p.periode, b.inwoners,
           row_number() over (partition by b.gebiedscode, p.periode order by b.jaar desc) as volgorde
    from stg_bevolking b
    join stg_perioden p on b.jaar <= p.jaar
),

final as (
    select gebiedscode, periode, inwoners
    from kandidaten
    where volgorde = 1
)

select * from final
