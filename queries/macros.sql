-- Macros the models share (a model imports them as m: import "macros.sql"); not a model itself.

{#
  Benjamini–Hochberg over the areas of a level, indicator and period: per group the largest
  p-value the step-up rule rejects at [statistiek] fdr; a change is opvallend when its p-value is
  at most that — exactly when its adjusted p-value is below fdr. With the group's m p-values in
  ascending order, the threshold is p₍ₖ₎ for the highest rank k with m·p₍ₖ₎ < k·fdr
  (transform::statistics::bh_threshold is the same rule in Rust, which the tests hold this to).
  Ranks by a window over the tested rows only, then a GROUP BY over the groups (array_agg per
  group was a hundred times slower). `toetsen` has the columns niveau, indicator, periode, p;
  the macro makes the CTEs `gerangschikt` and `grenzen` (niveau, indicator, periode, grens).
#}
{% macro bh_grenzen(toetsen) %}
gerangschikt as (
    select t.niveau, t.indicator, t.periode, t.p, s.fdr,
           row_number() over oplopend as rang,
           count(*) over groep as m
    from {{ toetsen }} t
    cross join stg_statistiek s
    where t.p is not null
    window groep as (partition by t.niveau, t.indicator, t.periode),
           oplopend as (partition by t.niveau, t.indicator, t.periode order by t.p)
),

grenzen as (
    select niveau, indicator, periode,
           max(case when m * p < rang * fdr then p end) as grens
    from gerangschikt
    group by niveau, indicator, periode
)
{%- endmacro %}
