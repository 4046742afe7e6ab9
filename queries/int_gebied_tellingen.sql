-- Grain: one row per area at every level (buurt, wijk, gemeente, district, regio) and period,
-- with the counts of gebied_indicatoren, their coverage, and the per-source denominators that
-- ratios need. Below gemeente, counts come through stg_locaties, so a gemeente is the sum of
-- its wijken where all its rows are placed in wijken. Above gemeente, a count sums the member
-- gemeenten that have it, and bron_* is true only when every member delivered.
-- Inputs: stg_gebieden, stg_perioden, stg_instellingen, int_dekking, int_gekozen_peildata,
--         int_leegstand, int_rni, int_kvk, int_kvk_concentratie, int_signalen, int_bevolking,
--         int_gemeente_naar_boven.
with spine as (
    select g.niveau, g.gebiedscode, g.gemeentecode, p.periode
    from stg_gebieden g
    cross join stg_perioden p
    where g.niveau in ('buurt', 'wijk', 'gemeente')
),

dekking_leegstand as (select niveau, gebiedscode, periode from int_dekking where bron = 'leegstand'),
dekking_rni as (select niveau, gebiedscode, periode from int_dekking where bron = 'rni'),
dekking_kvk as (select niveau, gebiedscode, periode from int_dekking where bron = 'kvk'),

-- Verborgen bewoning needs object-level leegstand and an RNI snapshot in the same gemeente-period.
verborgen_mogelijk as (
    select l.gemeentecode, l.periode
    from int_gekozen_peildata l
    join int_gekozen_peildata r
      on r.bron = 'rni' and r.gemeentecode = l.gemeentecode and r.periode = l.periode
    where l.bron = 'leegstand' and l.objectniveau
),

-- Distinct addresses are known only where every RNI row of the snapshot names an object.
rni_objectniveau as (
    select gemeentecode, periode
    from int_gekozen_peildata
    where bron = 'rni' and objectniveau
),

kvk_per_gebied as (
    select k.niveau, k.gebiedscode, k.periode,
           sum(k.actief) as kvk_risico_actief,
           sum(case when k.sector = i.uitzend_sector then k.actief else 0 end) as kvk_uitzendbureaus,
           sum(k.nieuw) as kvk_risico_nieuw,
           sum(k.opgeheven) as kvk_risico_opgeheven,
           sum(k.kortlevend) as kvk_kortlevend
    from int_kvk k
    cross join stg_instellingen i
    group by k.niveau, k.gebiedscode, k.periode
),

lager as (
    select s.niveau, s.gebiedscode, s.periode,
           b.inwoners,
           case when dl.gebiedscode is not null then coalesce(l.vbo_in_gebruik, 0) end as vbo_in_gebruik,
           case when dl.gebiedscode is not null then coalesce(l.leeg_aantal, 0) end as leeg_aantal,
           case when dr.gebiedscode is not null then coalesce(r.rni_ingeschrevenen, 0) end as rni_ingeschrevenen,
           case when dr.gebiedscode is not null and ro.gemeentecode is not null
                then coalesce(r.rni_adressen, 0) end as rni_adressen,
           case when dl.gebiedscode is not null and vm.gemeentecode is not null
                then coalesce(l.verborgen_bewoning, 0) end as verborgen_bewoning,
           case when dk.gebiedscode is not null then coalesce(k.kvk_risico_actief, 0) end as kvk_risico_actief,
           case when dk.gebiedscode is not null then coalesce(k.kvk_uitzendbureaus, 0) end as kvk_uitzendbureaus,
           case when dk.gebiedscode is not null then coalesce(k.kvk_risico_nieuw, 0) end as kvk_risico_nieuw,
           case when dk.gebiedscode is not null then coalesce(k.kvk_risico_opgeheven, 0) end as kvk_risico_opgeheven,
           case when dk.gebiedscode is not null then coalesce(k.kvk_kortlevend, 0) end as kvk_kortlevend,
           case when dk.gebiedscode is not null then coalesce(c.kvk_adresconcentratie, 0) end as kvk_adresconcentratie,
           sg.signalen_totaal, sg.signalen_seksueel, sg.signalen_crimineel, sg.signalen_arbeid, sg.signalen_overig,
           dl.gebiedscode is not null as bron_leegstand,
           dr.gebiedscode is not null as bron_rni,
           dk.gebiedscode is not null as bron_kvk,
           sg.gemeentecode is not null as bron_signalen
    from spine s
    left join int_bevolking b on b.gebiedscode = s.gebiedscode and b.periode = s.periode
    left join dekking_leegstand dl on dl.niveau = s.niveau and dl.gebiedscode = s.gebiedscode and dl.periode = s.periode
    left join dekking_rni dr on dr.niveau = s.niveau and dr.gebiedscode = s.gebiedscode and dr.periode = s.periode
    left join dekking_kvk dk on dk.niveau = s.niveau and dk.gebiedscode = s.gebiedscode and dk.periode = s.periode
    left join rni_objectniveau ro on ro.gemeentecode = s.gemeentecode and ro.periode = s.periode
    left join verborgen_mogelijk vm on vm.gemeentecode = s.gemeentecode and vm.periode = s.periode
    left join int_leegstand l on l.niveau = s.niveau and l.gebiedscode = s.gebiedscode and l.periode = s.periode
    left join int_rni r on r.niveau = s.niveau and r.gebiedscode = s.gebiedscode and r.periode = s.periode
    left join kvk_per_gebied k on k.niveau = s.niveau and k.gebiedscode = s.gebiedscode and k.periode = s.periode
    left join int_kvk_concentratie c on c.niveau = s.niveau and c.gebiedscode = s.gebiedscode and c.periode = s.periode
    left join int_signalen sg on s.niveau = 'gemeente' and sg.gemeentecode = s.gebiedscode and sg.periode = s.periode
),

-- Ratios divide by the population (or objects) of exactly the areas that have the count.
lager_met_noemers as (
    select *,
           case when vbo_in_gebruik is not null then inwoners end as inwoners_leegstand,
           case when rni_ingeschrevenen is not null then inwoners end as inwoners_rni,
           case when verborgen_bewoning is not null then vbo_in_gebruik end as vbo_verborgen,
           case when kvk_risico_actief is not null then inwoners end as inwoners_kvk,
           case when signalen_totaal is not null then inwoners end as inwoners_signalen
    from lager
),

boven as (
    select b.niveau, b.gebiedscode, t.periode,
           sum(t.inwoners) as inwoners,
           sum(t.vbo_in_gebruik) as vbo_in_gebruik,
           sum(t.leeg_aantal) as leeg_aantal,
           sum(t.rni_ingeschrevenen) as rni_ingeschrevenen,
           sum(t.rni_adressen) as rni_adressen,
           sum(t.verborgen_bewoning) as verborgen_bewoning,
           sum(t.kvk_risico_actief) as kvk_risico_actief,
           sum(t.kvk_uitzendbureaus) as kvk_uitzendbureaus,
           sum(t.kvk_risico_nieuw) as kvk_risico_nieuw,
           sum(t.kvk_risico_opgeheven) as kvk_risico_opgeheven,
           sum(t.kvk_kortlevend) as kvk_kortlevend,
           sum(t.kvk_adresconcentratie) as kvk_adresconcentratie,
           sum(t.signalen_totaal) as signalen_totaal,
           sum(t.signalen_seksueel) as signalen_seksueel,
           sum(t.signalen_crimineel) as signalen_crimineel,
           sum(t.signalen_arbeid) as signalen_arbeid,
           sum(t.signalen_overig) as signalen_overig,
           bool_and(t.bron_leegstand) as bron_leegstand,
           bool_and(t.bron_rni) as bron_rni,
           bool_and(t.bron_kvk) as bron_kvk,
           bool_and(t.bron_signalen) as bron_signalen,
           sum(t.inwoners_leegstand) as inwoners_leegstand,
           sum(t.inwoners_rni) as inwoners_rni,
           sum(t.vbo_verborgen) as vbo_verborgen,
           sum(t.inwoners_kvk) as inwoners_kvk,
           sum(t.inwoners_signalen) as inwoners_signalen
    from lager_met_noemers t
    join int_gemeente_naar_boven b on t.niveau = 'gemeente' and b.gemeentecode = t.gebiedscode
    group by b.niveau, b.gebiedscode, t.periode
),

final as (
    select * from lager_met_noemers
    union all
    select * from boven
)

select * from final
