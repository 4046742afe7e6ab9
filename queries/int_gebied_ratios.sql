-- Grain: one row per area (buurt … regio) per period: the counts of int_gebied_tellingen with
-- names, parents, period dates, and every ratio recomputed from the summed counts. The risk
-- score (gebied_indicatoren) is computed from this table — for openbaar/ from its suppressed copy.
-- Inputs: int_gebied_tellingen, stg_gebieden, stg_perioden.
with tellingen as (
    select t.*, g.gebiedsnaam, g.gemeentecode, g.district_code, g.regio_code,
           p.periode_start, p.periode_eind
    from int_gebied_tellingen t
    join stg_gebieden g on g.niveau = t.niveau and g.gebiedscode = t.gebiedscode
    join stg_perioden p on p.periode = t.periode
),

ratios as (
    select *,
           100.0 * leeg_aantal / nullif(vbo_in_gebruik, 0) as leeg_pct,
           1000.0 * rni_ingeschrevenen / nullif(inwoners_rni, 0) as rni_per_1000_inwoners,
           1000.0 * verborgen_bewoning / nullif(vbo_verborgen, 0) as verborgen_per_1000_vbo,
           1000.0 * kvk_risico_actief / nullif(inwoners_kvk, 0) as kvk_risico_per_1000_inwoners,
           10000.0 * signalen_totaal / nullif(inwoners_signalen, 0) as signalen_per_10000_inwoners
    from tellingen
)

select * from ratios
