-- Grain: one row per area (gemeente, district, regio) with a nulmeting: the baseline year of the
-- yearly evaluation. A gemeente's is the configured year ([evaluatie.nulmeting]), else the first
-- year it delivered efforts (a gemeente without efforts and without a configured year has none).
-- A district's or regio's is the latest of its gemeenten's: the first year all of them measure
-- against (gemeenten without a nulmeting do not count).
-- Inputs: stg_gebieden, stg_nulmeting, stg_inspanningen, int_gemeente_naar_boven.
with eerste_levering as (
    select gebiedscode as gemeentecode, min(jaar) as jaar
    from stg_inspanningen
    where niveau = 'gemeente'
    group by gebiedscode
),

gemeente as (
    select g.gebiedscode, coalesce(n.jaar, e.jaar) as jaar,
           case when n.jaar is not null then 'ingesteld' else 'eerste levering' end as bron
    from stg_gebieden g
    left join stg_nulmeting n on n.gemeentecode = g.gebiedscode
    left join eerste_levering e on e.gemeentecode = g.gebiedscode
    where g.niveau = 'gemeente' and coalesce(n.jaar, e.jaar) is not null
),

final as (
    select 'gemeente' as niveau, gebiedscode, jaar, bron from gemeente
    union all
    select b.niveau, b.gebiedscode, max(m.jaar), 'laatste van de gemeenten'
    from gemeente m
    join int_gemeente_naar_boven b on b.gemeentecode = m.gebiedscode
    group by b.niveau, b.gebiedscode
)

select * from final
