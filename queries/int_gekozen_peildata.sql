-- Grain: one row per source ('leegstand', 'rni'), gemeente and period.
-- The snapshot a stock indicator uses: the latest peildatum inside the period among the
-- gemeente's rows (outputs.md §2, "Stocks"). Also records whether that snapshot holds object
-- rows, and whether it places rows down to wijk and buurt (which decides coverage below gemeente).
-- Inputs: stg_objecten, stg_object_plaatsen, stg_perioden, stg_locaties, stg_leegstand_aggregaat,
-- stg_rni.
with object_locaties as (
    -- stg_objecten carries only a place number; stg_object_plaatsen says where it is, and
    -- stg_locaties which levels that location has.
    select p.gemeentecode, per.periode, o.peildatum, p.locatie
    from (select distinct peildatum, plaats from stg_objecten) o
    join stg_object_plaatsen p on p.plaats = o.plaats
    join stg_perioden per on o.peildatum between per.periode_start and per.periode_eind
),

leegstand_rijen as (
    select o.gemeentecode, o.periode, o.peildatum, true as objectniveau,
           bool_or(l.niveau = 'wijk') as tot_wijk, bool_or(l.niveau = 'buurt') as tot_buurt
    from object_locaties o
    join stg_locaties l on l.locatie = o.locatie
    group by o.gemeentecode, o.periode, o.peildatum
    union all
    select gemeentecode, periode, peildatum, false as objectniveau,
           bool_or(wijkcode is not null) as tot_wijk, bool_or(buurtcode is not null) as tot_buurt
    from stg_leegstand_aggregaat
    group by gemeentecode, periode, peildatum
),

rni_rijen as (
    select gemeentecode, periode, peildatum, bool_and(verblijfsobject_id is not null) as objectniveau,
           bool_or(wijkcode is not null) as tot_wijk, bool_or(buurtcode is not null) as tot_buurt
    from stg_rni
    group by gemeentecode, periode, peildatum
),

alle_rijen as (
    select 'leegstand' as bron, * from leegstand_rijen
    union all
    select 'rni' as bron, * from rni_rijen
),

laatste as (
    select bron, gemeentecode, periode, max(peildatum) as peildatum
    from alle_rijen
    group by bron, gemeentecode, periode
),

final as (
    select l.bron, l.gemeentecode, l.periode, l.peildatum,
           bool_or(r.objectniveau) as objectniveau,
           bool_or(r.tot_wijk) as tot_wijk,
           bool_or(r.tot_buurt) as tot_buurt
    from laatste l
    join alle_rijen r
      on r.bron = l.bron and r.gemeentecode = l.gemeentecode
     and r.periode = l.periode and r.peildatum = l.peildatum
    group by l.bron, l.gemeentecode, l.periode, l.peildatum
)

select * from final
