-- Grain: one row per area (buurt … regio) per period: the counts of int_gebied_tellingen with
-- names, parents, period dates, and every ratio of the registry recomputed from the summed
-- counts: scale × count / denominator. The risk score (gebied_indicatoren) is computed from
-- this table — for openbaar/ from its suppressed copy.
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
{% for r in verhoudingen %}
           {{ r.schaal }} * {{ r.telling }} / nullif({{ r.noemer }}, 0) as {{ r.naam }}{{ "," if not loop.last }}
{% endfor %}
    from tellingen
)

select * from ratios
