-- Grain: one row per gemeente and period inside its signal coverage span: signals by form.
-- Each form counts in the column `stg_vormen.kolom` names: `crimineel_seksueel`, `orgaan` and
-- `onbekend` in `signalen_overig` (outputs.md §2; the list is `SIGNAALVORMEN` in
-- pipeline/validate/sources.rs, which disclosure control's relations use as well).
-- Inputs: stg_signalen, stg_vormen, int_dekking.
with per_periode as (
    select s.gemeentecode, s.periode,
           sum(s.aantal) as signalen_totaal,
           sum(case when v.kolom = 'signalen_seksueel' then s.aantal else 0 end) as signalen_seksueel,
           sum(case when v.kolom = 'signalen_crimineel' then s.aantal else 0 end) as signalen_crimineel,
           sum(case when v.kolom = 'signalen_arbeid' then s.aantal else 0 end) as signalen_arbeid,
           sum(case when v.kolom = 'signalen_overig' then s.aantal else 0 end) as signalen_overig
    from stg_signalen s
    join stg_vormen v on v.vorm = s.vorm
    group by s.gemeentecode, s.periode
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
