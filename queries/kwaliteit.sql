-- Grain: one row per input file and rule (the quality report, from stg_kwaliteit), plus one row
-- per source and gemeente with the latest peildatum delivered (freshness; regel = 'laatste_peildatum').
-- Inputs: stg_kwaliteit, stg_objecten, stg_object_plaatsen, stg_leegstand_aggregaat, stg_rni, stg_kvk, stg_signalen.
with versheid as (
    select 'verblijfsobjecten' as bron, p.gemeentecode, max(o.peildatum) as laatste_peildatum
    from (select plaats, max(peildatum) as peildatum from stg_objecten group by plaats) o
    join stg_object_plaatsen p on p.plaats = o.plaats
    group by p.gemeentecode
    union all
    select 'leegstand', gemeentecode, max(peildatum) from stg_leegstand_aggregaat group by gemeentecode
    union all
    select 'rni', gemeentecode, max(peildatum) from stg_rni group by gemeentecode
    union all
    select 'kvk', gemeentecode, max(laatste_mutatie) from stg_kvk group by gemeentecode
    union all
    select 'signalen', gemeentecode, max(periode_eind) from stg_signalen group by gemeentecode
),

final as (
    select bron, bestand, regel, ernst, aantal, voorbeelden,
           cast(null as varchar) as gemeentecode, cast(null as date) as laatste_peildatum
    from stg_kwaliteit
    union all
    select bron, cast(null as varchar), 'laatste_peildatum', 'info', cast(1 as bigint), cast(null as varchar),
           gemeentecode, laatste_peildatum
    from versheid
)

select * from final
order by gemeentecode nulls first, bron, bestand nulls first, regel, ernst
