-- Grain: one row per area (buurt, wijk, gemeente, district, regio) per period (outputs.md §2).
-- Small-area statistics (statistics.md §1–3), the same for every ratio of the indicator
-- registry (`verhoudingen`, each with its count `telling`, denominator `noemer` and `schaal`):
-- its 95 % interval (Wilson for a proportion, exact Poisson for a rate), a comparison with the
-- regio rate of the period (hoger / gelijk / lager: the interval entirely above, around or below
-- it), and an empirical-Bayes smoothed value (Marshall's global method of moments among the
-- areas of the level and period that have the rate), which pulls a small area's rate towards
-- the mean.
-- The risk score (outputs.md §3): per level and period, each score indicator (`score`: the
-- ratios with a weight in the registry) becomes a z-score across the areas that have it
-- ((value − mean) / population sd, 0 when sd = 0), of the smoothed rates (or the raw ones when
-- [statistiek] score_op_gladgemaakt = false); the score is the weighted mean of the available
-- z-scores, and risico_bijdragen holds each indicator's share.
-- Windows are ordered by gebiedscode so that floating-point sums run in one fixed order.
-- The same model makes openbaar/gebied_indicatoren from the suppressed int_gebied_ratios: there
-- a hidden count has no rate, so no interval, comparison or smoothed value, and the smoothing
-- runs over the shown counts only.
-- Print it as it runs with `risicobeeld sql gebied_indicatoren`.
-- Blind spots: where the structural rates are high and the signals are not (statistics.md §4).
-- Inputs: int_gebied_ratios, stg_score_gewichten, stg_statistiek.
with tellers as (
    -- Per ratio its count (k_) and denominator (n_) as doubles, null where the ratio is null.
    select r.*,
{% for r in verhoudingen %}
           case when {{ r.naam }} is not null then cast({{ r.telling }} as double) end as k_{{ r.naam }},
           case when {{ r.naam }} is not null then cast({{ r.noemer }} as double) end as n_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from int_gebied_ratios r
),

-- Marshall's prior mean m = Σk / Σn among the areas of the level and period with the rate, and
-- the mean denominator n̄ (rates here as fractions; scaled at the end).
prior_gemiddelde as (
    select *,
{% for r in verhoudingen %}
           sum(k_{{ r.naam }}) over w / sum(n_{{ r.naam }}) over w as m_{{ r.naam }},
           sum(n_{{ r.naam }}) over w / count(n_{{ r.naam }}) over w as nbar_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from tellers
    window w as (partition by niveau, periode order by gebiedscode
                 rows between unbounded preceding and unbounded following)
),

-- The prior variance s² = Σ nᵢ (rᵢ − m)² / Σ nᵢ − m / n̄, 0 when negative.
prior_variantie as (
    select *,
{% for r in verhoudingen %}
           greatest(sum(n_{{ r.naam }} * power(k_{{ r.naam }} / n_{{ r.naam }} - m_{{ r.naam }}, 2)) over w
                    / sum(n_{{ r.naam }}) over w - m_{{ r.naam }} / nbar_{{ r.naam }}, 0.0) as s2_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from prior_gemiddelde
    window w as (partition by niveau, periode order by gebiedscode
                 rows between unbounded preceding and unbounded following)
),

-- The regio rate of each period: the benchmark of every area's comparison.
regio as (
    select periode, gebiedscode as regio_code,
{% for r in verhoudingen %}
           {{ r.naam }} as regio_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from int_gebied_ratios
    where niveau = 'regio'
),

-- Intervals (on each rate's scale) and smoothed values: estimate = w·r + (1 − w)·m with
-- w = s² / (s² + m / n); when s² + m / n is 0 (every count 0) the rate itself.
statistiek as (
    select v.*,
{% for r in verhoudingen %}
           {{ r.schaal }} * {{ r.interval }}_laag(k_{{ r.naam }}, n_{{ r.naam }}, s.betrouwbaarheid) as {{ r.naam }}_ci_laag,
           {{ r.schaal }} * {{ r.interval }}_hoog(k_{{ r.naam }}, n_{{ r.naam }}, s.betrouwbaarheid) as {{ r.naam }}_ci_hoog,
           {{ r.schaal }} * case when s2_{{ r.naam }} + m_{{ r.naam }} / n_{{ r.naam }} > 0
                        then (s2_{{ r.naam }} / (s2_{{ r.naam }} + m_{{ r.naam }} / n_{{ r.naam }})) * (k_{{ r.naam }} / n_{{ r.naam }})
                             + (1.0 - s2_{{ r.naam }} / (s2_{{ r.naam }} + m_{{ r.naam }} / n_{{ r.naam }})) * m_{{ r.naam }}
                        else k_{{ r.naam }} / n_{{ r.naam }} end as {{ r.naam }}_gladgemaakt,
{% endfor %}
           s.score_op_gladgemaakt
    from prior_variantie v
    cross join stg_statistiek s
),

vergeleken as (
    select st.*,
{% for r in verhoudingen %}
           case when st.niveau = 'regio' or st.{{ r.naam }} is null or g.regio_{{ r.naam }} is null then null
                when st.{{ r.naam }}_ci_laag > g.regio_{{ r.naam }} then 'hoger'
                when st.{{ r.naam }}_ci_hoog < g.regio_{{ r.naam }} then 'lager'
                else 'gelijk' end as {{ r.naam }}_vergelijking,
{% endfor %}
           -- The values the score is made of.
{% for r in score %}
           case when st.score_op_gladgemaakt then st.{{ r.naam }}_gladgemaakt else st.{{ r.naam }} end as s_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from statistiek st
    left join regio g on g.periode = st.periode and g.regio_code = st.regio_code
),

z_scores as (
    select *,
{% for r in score %}
           case when s_{{ r.naam }} is null then null
                when stddev_pop(s_{{ r.naam }}) over w = 0 then 0.0
                else (s_{{ r.naam }} - avg(s_{{ r.naam }}) over w) / stddev_pop(s_{{ r.naam }}) over w end as z_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from vergeleken
    window w as (partition by niveau, periode order by gebiedscode
                 rows between unbounded preceding and unbounded following)
),

-- The weighted sum of the available z-scores (teller) and the weights that take part (noemer).
gewogen as (
    select z.*,
{% for r in score %}
           {{ "+ " if not loop.first }}coalesce(gw.{{ r.naam }} * z.z_{{ r.naam }}, 0.0)
{% endfor %}
           as teller,
{% for r in score %}
           {{ "+ " if not loop.first }}case when z.z_{{ r.naam }} is null then 0.0 else gw.{{ r.naam }} end
{% endfor %}
           as noemer,
{% for r in score %}
           gw.{{ r.naam }} as w_{{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from z_scores z
    cross join stg_score_gewichten gw
),

-- A share is w · z / noemer; "+ 0.0" turns the −0.0 of a weight 0 times a negative z into 0.0, so
-- that an indicator with weight 0 (signals, by default) leaves the published bytes unchanged
-- whatever its values.
score as (
    select *,
           case when noemer > 0 then teller / noemer end as risicoscore,
           case when noemer > 0 then named_struct(
{% for r in score %}
               '{{ r.naam }}', w_{{ r.naam }} * z_{{ r.naam }} / noemer + 0.0{{ "," if not loop.last }}
{% endfor %}
           ) end as risico_bijdragen
    from gewogen
),

gerangschikt as (
    select *,
           case when risicoscore is not null then
               cast(row_number() over (partition by niveau, periode
                                       order by risicoscore desc nulls last, gebiedscode) as bigint)
           end as risicorang
    from score
),

-- Blind spots (statistics.md §4): structural risk significantly high — at least two of the
-- structural rates (`structureel`) `hoger` than the regio — while the signals are not: the
-- signal rate is `gelijk` or `lager`. Null where it cannot be judged (no signal delivery, so no
-- signal comparison; no structural comparison at all); the reason names the rates in words.
blinde_vlekken as (
    select *,
           -- (The signal rate has a comparison only where signals were delivered:
           -- bron_signalen for a gemeente, a delivering member above it.)
           case when signalen_per_10000_inwoners_vergelijking is null
                  or coalesce(
{% for r in structureel %}
                         {{ r.naam }}_vergelijking{{ "," if not loop.last }}
{% endfor %}
                     ) is null then null
                else hoger_structureel >= 2
                     and signalen_per_10000_inwoners_vergelijking in ('gelijk', 'lager')
           end as blinde_vlek
    from (
        select *,
{% for r in structureel %}
               {{ "+ " if not loop.first }}case when {{ r.naam }}_vergelijking = 'hoger' then 1 else 0 end
{% endfor %}
               as hoger_structureel,
               concat_ws(', ',
{% for r in structureel %}
                   case when {{ r.naam }}_vergelijking = 'hoger' then '{{ r.structureel }}' end{{ "," if not loop.last }}
{% endfor %}
               ) as hoger_lijst
        from gerangschikt
    ) t
),

met_reden as (
    select *,
           case when blinde_vlek then
               regexp_replace(hoger_lijst, ', ([^,]*)$', ' en \1')
               || ' significant hoger dan de regio; signalen niet'
           end as blinde_vlek_reden
    from blinde_vlekken
),

-- The published columns: the registry's counts and ratios in its order, then each ratio's
-- statistics (the proportions first), the score, and the coverage.
final as (
    select niveau, gebiedscode, gebiedsnaam,
           gemeentecode, district_code, regio_code,
           periode, periode_start, periode_eind,
{% for i in indicatoren if i.soort != "score" %}
           {{ i.naam }},
{% endfor %}
{% for r in statistiek %}
           {{ r.naam }}_ci_laag, {{ r.naam }}_ci_hoog, {{ r.naam }}_vergelijking, {{ r.naam }}_gladgemaakt,
{% endfor %}
           risicoscore, risicorang, risico_bijdragen,
           blinde_vlek, blinde_vlek_reden,
           bron_leegstand, bron_rni, bron_kvk, bron_signalen,
           district_code as district
    from met_reden
)

select * from final
order by case niveau when 'buurt' then 1 when 'wijk' then 2 when 'gemeente' then 3
                     when 'district' then 4 else 5 end,
         gebiedscode, periode
