-- Grain: one row per gemeente and period inside its signal coverage span: signals by form.
-- `crimineel_seksueel`, `orgaan` and `onbekend` count in `overig` (outputs.md §2).
-- Inputs: stg_signalen, int_dekking.
with per_periode as (
    select gemeentecode, periode,
           sum(aantal) as signalen_totaal,
           sum(case when vorm = 'seksueel' then aantal else 0 end) as signalen_seksueel,
           sum(case when vorm = 'crimineel' then aantal else 0 end) as signalen_crimineel,
           sum(case when vorm = 'arbeid' then aantal else 0 end) as signalen_arbeid,
           sum(case when vorm not in ('seksueel', 'crimineel', 'arbeid') then aantal else 0 end) as signalen_overig
    from stg_signalen
    group by gemeentecode, periode
),

final as (
    select d.gebiedscode as gemeentecode, d.periode,
           coalesce(s.signalen_totaal, 0) as signalen_totaal,
           coalesce(s.signalen_seksueel, 0) as signalen_seksueel,
           coalesce(s.signalen_crimineel, 0) as signalen_crimineel,
           coalesce(s.signalen_arbeid, 0) as signalen_arbeid,
           coalesce(s.signalen_overig, 0) as signalen_overig
    from int_dekking d
    left join per_periode s on s.gemeentecode = d.gebiedscode and s.periode = d.periode
    where d.bron = 'signalen' and d.niveau = 'gemeente'
)

select * from final
