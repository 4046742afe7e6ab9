-- Grain: one row per area (buurt, wijk, gemeente, district, regio) per period (outputs.md §2).
-- The risk score (outputs.md §3): per level and period, each indicator becomes a z-score across
-- the areas that have it ((value − mean) / population sd, 0 when sd = 0); the score is the
-- weighted mean of the available z-scores, and risico_bijdragen holds each indicator's share.
-- Windows are ordered by gebiedscode so that floating-point sums run in one fixed order.
-- The same model makes openbaar/gebied_indicatoren from the suppressed int_gebied_ratios.
-- Inputs: int_gebied_ratios, stg_score_gewichten.
with z_scores as (
    select *,
           case when leeg_pct is null then null
                when stddev_pop(leeg_pct) over w = 0 then 0.0
                else (leeg_pct - avg(leeg_pct) over w) / stddev_pop(leeg_pct) over w end as z_leeg_pct,
           case when rni_per_1000_inwoners is null then null
                when stddev_pop(rni_per_1000_inwoners) over w = 0 then 0.0
                else (rni_per_1000_inwoners - avg(rni_per_1000_inwoners) over w)
                     / stddev_pop(rni_per_1000_inwoners) over w end as z_rni,
           case when verborgen_per_1000_vbo is null then null
                when stddev_pop(verborgen_per_1000_vbo) over w = 0 then 0.0
                else (verborgen_per_1000_vbo - avg(verborgen_per_1000_vbo) over w)
                     / stddev_pop(verborgen_per_1000_vbo) over w end as z_verborgen,
           case when kvk_risico_per_1000_inwoners is null then null
                when stddev_pop(kvk_risico_per_1000_inwoners) over w = 0 then 0.0
                else (kvk_risico_per_1000_inwoners - avg(kvk_risico_per_1000_inwoners) over w)
                     / stddev_pop(kvk_risico_per_1000_inwoners) over w end as z_kvk,
           case when signalen_per_10000_inwoners is null then null
                when stddev_pop(signalen_per_10000_inwoners) over w = 0 then 0.0
                else (signalen_per_10000_inwoners - avg(signalen_per_10000_inwoners) over w)
                     / stddev_pop(signalen_per_10000_inwoners) over w end as z_signalen
    from int_gebied_ratios
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
           verborgen_bewoning,
           kvk_risico_actief, kvk_uitzendbureaus, kvk_risico_nieuw, kvk_risico_opgeheven,
           kvk_kortlevend, kvk_adresconcentratie,
           signalen_totaal, signalen_seksueel, signalen_crimineel, signalen_arbeid, signalen_overig,
           risicoscore, risicorang, risico_bijdragen,
           bron_leegstand, bron_rni, bron_kvk, bron_signalen,
           district_code as district
    from gerangschikt
)

select * from final
order by case niveau when 'buurt' then 1 when 'wijk' then 2 when 'gemeente' then 3
                     when 'district' then 4 else 5 end,
         gebiedscode, periode
