-- Grain: one row per area (buurt, wijk, gemeente), period and source that the source covers.
-- A gemeente is covered by leegstand/RNI in a period when it has a chosen snapshot; by KvK when
-- any vestiging (any sector) lies in it; by signals inside the span from its first to its last
-- delivered period. A wijk or buurt is covered when, in addition, that source places the
-- gemeente's rows down to that level; inside a covered area, nothing delivered means 0.
-- Inputs: stg_gebieden, stg_perioden, stg_kvk, stg_signalen, int_gekozen_peildata.
with kvk_gemeenten as (
    select gemeentecode,
           bool_or(wijkcode is not null) as tot_wijk,
           bool_or(buurtcode is not null) as tot_buurt
    from stg_kvk
    group by gemeentecode
),

signalen_span as (
    select gemeentecode, min(periode) as eerste, max(periode) as laatste
    from stg_signalen
    group by gemeentecode
),

per_gemeente as (
    select bron, gemeentecode, periode, tot_wijk, tot_buurt
    from int_gekozen_peildata
    union all
    select 'kvk', k.gemeentecode, p.periode, k.tot_wijk, k.tot_buurt
    from kvk_gemeenten k
    cross join stg_perioden p
    union all
    select 'signalen', s.gemeentecode, p.periode, false, false
    from signalen_span s
    join stg_perioden p on p.periode >= s.eerste and p.periode <= s.laatste
),

final as (
    select d.bron, g.niveau, g.gebiedscode, d.periode
    from per_gemeente d
    join stg_gebieden g on g.gemeentecode = d.gemeentecode
    where g.niveau = 'gemeente'
       or (g.niveau = 'wijk' and d.tot_wijk)
       or (g.niveau = 'buurt' and d.tot_buurt)
)

select * from final
