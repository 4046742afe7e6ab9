-- Grain: one row per gemeente and period inside its signal coverage span: signals by form.
-- Each form counts in the column `stg_vormen.kolom` names (`SIGNAALVORMEN` in the snapshot
-- crate's vocabulary, which disclosure control's relations read as well): `orgaan`, `overig`
-- and `onbekend` in `signalen_overig` (outputs.md §2). The columns come from one loop over it
-- (`vormkolommen`).
-- Inputs: stg_signalen, stg_vormen, int_dekking.
with per_periode as (
    select s.gemeentecode, s.periode,
           sum(s.aantal) as signalen_totaal,
{% for k in vormkolommen %}
           sum(case when v.kolom = '{{ k }}' then s.aantal else 0 end) as {{ k }}{{ "," if not loop.last }}
{% endfor %}
    from stg_signalen s
    join stg_vormen v on v.vorm = s.vorm
    group by s.gemeentecode, s.periode
),

final as (
    select d.gebiedscode as gemeentecode, d.periode,
           coalesce(s.signalen_totaal, 0) as signalen_totaal,
{% for k in vormkolommen %}
           coalesce(s.{{ k }}, 0) as {{ k }}{{ "," if not loop.last }}
{% endfor %}
    from int_dekking d
    left join per_periode s on s.gemeentecode = d.gebiedscode and s.periode = d.periode
    where d.bron = 'signalen' and d.niveau = 'gemeente'
)

select * from final
