-- Grain: one row per gemeente, period (inside its signal coverage span), vorm and fase
-- (outputs.md §2). `aantal`: signals whose highest phase reached is this one; `bereikt`: signals
-- that reached at least this phase — the funnel of the five-phase signal process.
-- Inputs: stg_signalen, int_dekking, stg_vormen, stg_fasen, stg_gebieden.
with gedekt as (
    select d.gebiedscode, d.periode, v.vorm, f.fase
    from int_dekking d
    cross join stg_vormen v
    cross join stg_fasen f
    where d.bron = 'signalen' and d.niveau = 'gemeente'
),

per_fase as (
    select gemeentecode, periode, vorm, fase, sum(aantal) as aantal
    from stg_signalen
    group by gemeentecode, periode, vorm, fase
),

cellen as (
    select g.gebiedscode, g.periode, g.vorm, g.fase, coalesce(p.aantal, 0) as aantal
    from gedekt g
    left join per_fase p
      on p.gemeentecode = g.gebiedscode and p.periode = g.periode
     and p.vorm = g.vorm and p.fase = g.fase
),

final as (
    select c.gebiedscode, c.periode, c.vorm, c.fase, c.aantal,
           sum(c.aantal) over (partition by c.gebiedscode, c.periode, c.vorm
                               order by c.fase desc
                               rows between unbounded preceding and current row) as bereikt,
           g.district_code as district
    from cellen c
    join stg_gebieden g on g.niveau = 'gemeente' and g.gebiedscode = c.gebiedscode
)

select * from final
order by gebiedscode, periode, vorm, fase
