-- Grain: one row per area (buurt, wijk, gemeente, district, regio) per period (outputs.md §2).
-- Small-area statistics (statistics.md §1–3): each of the five rates gets its 95 % interval
-- (Wilson for a proportion, exact Poisson for a rate per inwoners), a comparison with the regio
-- rate of the period (hoger / gelijk / lager: the interval entirely above, around or below it),
-- and an empirical-Bayes smoothed value (Marshall's global method of moments among the areas of
-- the level and period that have the rate), which pulls a small area's rate towards the mean.
-- The risk score (outputs.md §3): per level and period, each indicator becomes a z-score across
-- the areas that have it ((value − mean) / population sd, 0 when sd = 0), of the smoothed rates
-- (or the raw ones when [statistiek] score_op_gladgemaakt = false); the score is the weighted
-- mean of the available z-scores, and risico_bijdragen holds each indicator's share.
-- Windows are ordered by gebiedscode so that floating-point sums run in one fixed order.
-- The same model makes openbaar/gebied_indicatoren from the suppressed int_gebied_ratios: there
-- a hidden count has no rate, so no interval, comparison or smoothed value, and the smoothing
-- runs over the shown counts only.
-- Inputs: int_gebied_ratios, stg_score_gewichten, stg_statistiek.
with tellers as (
    -- Per rate its count (k) and denominator (n) as doubles, null where the rate is null.
    select r.*,
           case when leeg_pct is not null then cast(leeg_aantal as double) end as k_leeg,
           case when leeg_pct is not null then cast(vbo_in_gebruik as double) end as n_leeg,
           case when verborgen_per_1000_vbo is not null then cast(verborgen_bewoning as double) end as k_verborgen,
           case when verborgen_per_1000_vbo is not null then cast(vbo_verborgen as double) end as n_verborgen,
           case when rni_per_1000_inwoners is not null then cast(rni_ingeschrevenen as double) end as k_rni,
           case when rni_per_1000_inwoners is not null then cast(inwoners_rni as double) end as n_rni,
           case when kvk_risico_per_1000_inwoners is not null then cast(kvk_risico_actief as double) end as k_kvk,
           case when kvk_risico_per_1000_inwoners is not null then cast(inwoners_kvk as double) end as n_kvk,
           case when signalen_per_10000_inwoners is not null then cast(signalen_totaal as double) end as k_signalen,
           case when signalen_per_10000_inwoners is not null then cast(inwoners_signalen as double) end as n_signalen
    from int_gebied_ratios r
),

-- Marshall's prior mean m = Σk / Σn among the areas of the level and period with the rate, and
-- the mean denominator n̄ (rates here as fractions; scaled at the end).
prior_gemiddelde as (
    select *,
           sum(k_leeg) over w / sum(n_leeg) over w as m_leeg,
           sum(n_leeg) over w / count(n_leeg) over w as nbar_leeg,
           sum(k_verborgen) over w / sum(n_verborgen) over w as m_verborgen,
           sum(n_verborgen) over w / count(n_verborgen) over w as nbar_verborgen,
           sum(k_rni) over w / sum(n_rni) over w as m_rni,
           sum(n_rni) over w / count(n_rni) over w as nbar_rni,
           sum(k_kvk) over w / sum(n_kvk) over w as m_kvk,
           sum(n_kvk) over w / count(n_kvk) over w as nbar_kvk,
           sum(k_signalen) over w / sum(n_signalen) over w as m_signalen,
           sum(n_signalen) over w / count(n_signalen) over w as nbar_signalen
    from tellers
    window w as (partition by niveau, periode order by gebiedscode
                 rows between unbounded preceding and unbounded following)
),

-- The prior variance s² = Σ nᵢ (rᵢ − m)² / Σ nᵢ − m / n̄, 0 when negative.
prior_variantie as (
    select *,
           greatest(sum(n_leeg * power(k_leeg / n_leeg - m_leeg, 2)) over w / sum(n_leeg) over w
                    - m_leeg / nbar_leeg, 0.0) as s2_leeg,
           greatest(sum(n_verborgen * power(k_verborgen / n_verborgen - m_verborgen, 2)) over w
                    / sum(n_verborgen) over w - m_verborgen / nbar_verborgen, 0.0) as s2_verborgen,
           greatest(sum(n_rni * power(k_rni / n_rni - m_rni, 2)) over w / sum(n_rni) over w
                    - m_rni / nbar_rni, 0.0) as s2_rni,
           greatest(sum(n_kvk * power(k_kvk / n_kvk - m_kvk, 2)) over w / sum(n_kvk) over w
                    - m_kvk / nbar_kvk, 0.0) as s2_kvk,
           greatest(sum(n_signalen * power(k_signalen / n_signalen - m_signalen, 2)) over w
                    / sum(n_signalen) over w - m_signalen / nbar_signalen, 0.0) as s2_signalen
    from prior_gemiddelde
    window w as (partition by niveau, periode order by gebiedscode
                 rows between unbounded preceding and unbounded following)
),

-- The regio rate of each period: the benchmark of every area's comparison.
regio as (
    select periode, gebiedscode as regio_code,
           leeg_pct as regio_leeg, verborgen_per_1000_vbo as regio_verborgen,
           rni_per_1000_inwoners as regio_rni, kvk_risico_per_1000_inwoners as regio_kvk,
           signalen_per_10000_inwoners as regio_signalen
    from int_gebied_ratios
    where niveau = 'regio'
),

-- Intervals (on each rate's scale) and smoothed values: estimate = w·r + (1 − w)·m with
-- w = s² / (s² + m / n); when s² + m / n is 0 (every count 0) the rate itself.
statistiek as (
    select v.*,
           100.0 * wilson_laag(k_leeg, n_leeg, s.betrouwbaarheid) as leeg_pct_ci_laag,
           100.0 * wilson_hoog(k_leeg, n_leeg, s.betrouwbaarheid) as leeg_pct_ci_hoog,
           1000.0 * wilson_laag(k_verborgen, n_verborgen, s.betrouwbaarheid) as verborgen_per_1000_vbo_ci_laag,
           1000.0 * wilson_hoog(k_verborgen, n_verborgen, s.betrouwbaarheid) as verborgen_per_1000_vbo_ci_hoog,
           1000.0 * poisson_laag(k_rni, n_rni, s.betrouwbaarheid) as rni_per_1000_inwoners_ci_laag,
           1000.0 * poisson_hoog(k_rni, n_rni, s.betrouwbaarheid) as rni_per_1000_inwoners_ci_hoog,
           1000.0 * poisson_laag(k_kvk, n_kvk, s.betrouwbaarheid) as kvk_risico_per_1000_inwoners_ci_laag,
           1000.0 * poisson_hoog(k_kvk, n_kvk, s.betrouwbaarheid) as kvk_risico_per_1000_inwoners_ci_hoog,
           10000.0 * poisson_laag(k_signalen, n_signalen, s.betrouwbaarheid) as signalen_per_10000_inwoners_ci_laag,
           10000.0 * poisson_hoog(k_signalen, n_signalen, s.betrouwbaarheid) as signalen_per_10000_inwoners_ci_hoog,
           100.0 * case when s2_leeg + m_leeg / n_leeg > 0
                        then (s2_leeg / (s2_leeg + m_leeg / n_leeg)) * (k_leeg / n_leeg)
                             + (1.0 - s2_leeg / (s2_leeg + m_leeg / n_leeg)) * m_leeg
                        else k_leeg / n_leeg end as leeg_pct_gladgemaakt,
           1000.0 * case when s2_verborgen + m_verborgen / n_verborgen > 0
                         then (s2_verborgen / (s2_verborgen + m_verborgen / n_verborgen)) * (k_verborgen / n_verborgen)
                              + (1.0 - s2_verborgen / (s2_verborgen + m_verborgen / n_verborgen)) * m_verborgen
                         else k_verborgen / n_verborgen end as verborgen_per_1000_vbo_gladgemaakt,
           1000.0 * case when s2_rni + m_rni / n_rni > 0
                         then (s2_rni / (s2_rni + m_rni / n_rni)) * (k_rni / n_rni)
                              + (1.0 - s2_rni / (s2_rni + m_rni / n_rni)) * m_rni
                         else k_rni / n_rni end as rni_per_1000_inwoners_gladgemaakt,
           1000.0 * case when s2_kvk + m_kvk / n_kvk > 0
                         then (s2_kvk / (s2_kvk + m_kvk / n_kvk)) * (k_kvk / n_kvk)
                              + (1.0 - s2_kvk / (s2_kvk + m_kvk / n_kvk)) * m_kvk
                         else k_kvk / n_kvk end as kvk_risico_per_1000_inwoners_gladgemaakt,
           10000.0 * case when s2_signalen + m_signalen / n_signalen > 0
                          then (s2_signalen / (s2_signalen + m_signalen / n_signalen)) * (k_signalen / n_signalen)
                               + (1.0 - s2_signalen / (s2_signalen + m_signalen / n_signalen)) * m_signalen
                          else k_signalen / n_signalen end as signalen_per_10000_inwoners_gladgemaakt,
           s.score_op_gladgemaakt
    from prior_variantie v
    cross join stg_statistiek s
),

vergeleken as (
    select st.*,
           case when st.niveau = 'regio' or st.leeg_pct is null or g.regio_leeg is null then null
                when st.leeg_pct_ci_laag > g.regio_leeg then 'hoger'
                when st.leeg_pct_ci_hoog < g.regio_leeg then 'lager'
                else 'gelijk' end as leeg_pct_vergelijking,
           case when st.niveau = 'regio' or st.verborgen_per_1000_vbo is null or g.regio_verborgen is null then null
                when st.verborgen_per_1000_vbo_ci_laag > g.regio_verborgen then 'hoger'
                when st.verborgen_per_1000_vbo_ci_hoog < g.regio_verborgen then 'lager'
                else 'gelijk' end as verborgen_per_1000_vbo_vergelijking,
           case when st.niveau = 'regio' or st.rni_per_1000_inwoners is null or g.regio_rni is null then null
                when st.rni_per_1000_inwoners_ci_laag > g.regio_rni then 'hoger'
                when st.rni_per_1000_inwoners_ci_hoog < g.regio_rni then 'lager'
                else 'gelijk' end as rni_per_1000_inwoners_vergelijking,
           case when st.niveau = 'regio' or st.kvk_risico_per_1000_inwoners is null or g.regio_kvk is null then null
                when st.kvk_risico_per_1000_inwoners_ci_laag > g.regio_kvk then 'hoger'
                when st.kvk_risico_per_1000_inwoners_ci_hoog < g.regio_kvk then 'lager'
                else 'gelijk' end as kvk_risico_per_1000_inwoners_vergelijking,
           case when st.niveau = 'regio' or st.signalen_per_10000_inwoners is null or g.regio_signalen is null then null
                when st.signalen_per_10000_inwoners_ci_laag > g.regio_signalen then 'hoger'
                when st.signalen_per_10000_inwoners_ci_hoog < g.regio_signalen then 'lager'
                else 'gelijk' end as signalen_per_10000_inwoners_vergelijking,
           -- The values the score is made of.
           case when st.score_op_gladgemaakt then st.leeg_pct_gladgemaakt else st.leeg_pct end as s_leeg,
           case when st.score_op_gladgemaakt then st.rni_per_1000_inwoners_gladgemaakt else st.rni_per_1000_inwoners end as s_rni,
           case when st.score_op_gladgemaakt then st.verborgen_per_1000_vbo_gladgemaakt else st.verborgen_per_1000_vbo end as s_verborgen,
           case when st.score_op_gladgemaakt then st.kvk_risico_per_1000_inwoners_gladgemaakt else st.kvk_risico_per_1000_inwoners end as s_kvk,
           case when st.score_op_gladgemaakt then st.signalen_per_10000_inwoners_gladgemaakt else st.signalen_per_10000_inwoners end as s_signalen
    from statistiek st
    left join regio g on g.periode = st.periode and g.regio_code = st.regio_code
),

z_scores as (
    select *,
           case when s_leeg is null then null
                when stddev_pop(s_leeg) over w = 0 then 0.0
                else (s_leeg - avg(s_leeg) over w) / stddev_pop(s_leeg) over w end as z_leeg_pct,
           case when s_rni is null then null
                when stddev_pop(s_rni) over w = 0 then 0.0
                else (s_rni - avg(s_rni) over w) / stddev_pop(s_rni) over w end as z_rni,
           case when s_verborgen is null then null
                when stddev_pop(s_verborgen) over w = 0 then 0.0
                else (s_verborgen - avg(s_verborgen) over w) / stddev_pop(s_verborgen) over w end as z_verborgen,
           case when s_kvk is null then null
                when stddev_pop(s_kvk) over w = 0 then 0.0
                else (s_kvk - avg(s_kvk) over w) / stddev_pop(s_kvk) over w end as z_kvk,
           case when s_signalen is null then null
                when stddev_pop(s_signalen) over w = 0 then 0.0
                else (s_signalen - avg(s_signalen) over w) / stddev_pop(s_signalen) over w end as z_signalen
    from vergeleken
    window w as (partition by niveau, periode order by gebiedscode
                 rows between unbounded preceding and unbounded following)
),

gewogen as (
    select z.*,
           coalesce(gw.leeg_pct * z.z_leeg_pct, 0.0)
         + coalesce(gw.rni_per_1000_inwoners * z.z_rni, 0.0)
         + coalesce(gw.verborgen_per_1000_vbo * z.z_verborgen, 0.0)
         + coalesce(gw.kvk_risico_per_1000_inwoners * z.z_kvk, 0.0)
         + coalesce(gw.signalen_per_10000_inwoners * z.z_signalen, 0.0) as teller,
           case when z.z_leeg_pct is null then 0.0 else gw.leeg_pct end
         + case when z.z_rni is null then 0.0 else gw.rni_per_1000_inwoners end
         + case when z.z_verborgen is null then 0.0 else gw.verborgen_per_1000_vbo end
         + case when z.z_kvk is null then 0.0 else gw.kvk_risico_per_1000_inwoners end
         + case when z.z_signalen is null then 0.0 else gw.signalen_per_10000_inwoners end as noemer,
           gw.leeg_pct as w_leeg_pct, gw.rni_per_1000_inwoners as w_rni,
           gw.verborgen_per_1000_vbo as w_verborgen, gw.kvk_risico_per_1000_inwoners as w_kvk,
           gw.signalen_per_10000_inwoners as w_signalen
    from z_scores z
    cross join stg_score_gewichten gw
),

score as (
    select *,
           case when noemer > 0 then teller / noemer end as risicoscore,
           case when noemer > 0 then named_struct(
               'leeg_pct', w_leeg_pct * z_leeg_pct / noemer,
               'rni_per_1000_inwoners', w_rni * z_rni / noemer,
               'verborgen_per_1000_vbo', w_verborgen * z_verborgen / noemer,
               'kvk_risico_per_1000_inwoners', w_kvk * z_kvk / noemer,
               'signalen_per_10000_inwoners', w_signalen * z_signalen / noemer
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

final as (
    select niveau, gebiedscode, gebiedsnaam,
           gemeentecode, district_code, regio_code,
           periode, periode_start, periode_eind,
           inwoners,
           vbo_in_gebruik, leeg_aantal, leeg_pct,
           rni_ingeschrevenen, rni_adressen, rni_per_1000_inwoners,
           verborgen_bewoning, verborgen_per_1000_vbo,
           kvk_risico_actief, kvk_uitzendbureaus, kvk_risico_nieuw, kvk_risico_opgeheven,
           kvk_kortlevend, kvk_adresconcentratie, kvk_risico_per_1000_inwoners,
           signalen_totaal, signalen_seksueel, signalen_crimineel, signalen_arbeid, signalen_overig,
           signalen_per_10000_inwoners,
           leeg_pct_ci_laag, leeg_pct_ci_hoog, leeg_pct_vergelijking, leeg_pct_gladgemaakt,
           verborgen_per_1000_vbo_ci_laag, verborgen_per_1000_vbo_ci_hoog,
           verborgen_per_1000_vbo_vergelijking, verborgen_per_1000_vbo_gladgemaakt,
           rni_per_1000_inwoners_ci_laag, rni_per_1000_inwoners_ci_hoog,
           rni_per_1000_inwoners_vergelijking, rni_per_1000_inwoners_gladgemaakt,
           kvk_risico_per_1000_inwoners_ci_laag, kvk_risico_per_1000_inwoners_ci_hoog,
           kvk_risico_per_1000_inwoners_vergelijking, kvk_risico_per_1000_inwoners_gladgemaakt,
           signalen_per_10000_inwoners_ci_laag, signalen_per_10000_inwoners_ci_hoog,
           signalen_per_10000_inwoners_vergelijking, signalen_per_10000_inwoners_gladgemaakt,
           risicoscore, risicorang, risico_bijdragen,
           bron_leegstand, bron_rni, bron_kvk, bron_signalen,
           district_code as district
    from gerangschikt
)

select * from final
order by case niveau when 'buurt' then 1 when 'wijk' then 2 when 'gemeente' then 3
                     when 'district' then 4 else 5 end,
         gebiedscode, periode
