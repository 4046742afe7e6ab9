-- Grain: one row per area at every level (buurt, wijk, gemeente, district, regio) and period,
-- with the counts of gebied_indicatoren, their coverage, and the per-source denominators that
-- ratios need. Below gemeente, counts come through stg_locaties, so a gemeente is the sum of
-- its wijken where all its rows are placed in wijken. Above gemeente, a count sums the member
-- gemeenten that have it, and bron_* is true only when every member delivered.
-- The counts are listed (in `tellingen`) and summed (in `boven`) from the indicator registry,
-- so both halves of the union have the same columns in the same order; `lager_geteld` says
-- where each count comes from.
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

lager_geteld as (
    select s.niveau, s.gebiedscode, s.periode,
           b.inwoners,
           case when dl.gebiedscode is not null then coalesce(l.vbo_in_gebruik, 0) end as vbo_in_gebruik,
           case when dl.gebiedscode is not null then coalesce(l.leeg_aantal, 0) end as leeg_aantal,
           case when dr.gebiedscode is not null then coalesce(r.rni_ingeschrevenen, 0) end as rni_ingeschrevenen,
           case when dr.gebiedscode is not null and ro.gemeentecode is not null
                then coalesce(r.rni_adressen, 0) end as rni_adressen,
           case when dr.gebiedscode is not null and ro.gemeentecode is not null
                then coalesce(r.rni_adressen_meervoudig, 0) end as rni_adressen_meervoudig,
           case when dr.gebiedscode is not null and ro.gemeentecode is not null
                then coalesce(r.rni_adressen_uitzendbureau, 0) end as rni_adressen_uitzendbureau,
           case when dl.gebiedscode is not null and vm.gemeentecode is not null
                then coalesce(l.verborgen_bewoning, 0) end as verborgen_bewoning,
           case when dk.gebiedscode is not null then coalesce(k.kvk_risico_actief, 0) end as kvk_risico_actief,
           case when dk.gebiedscode is not null then coalesce(k.kvk_uitzendbureaus, 0) end as kvk_uitzendbureaus,
           case when dk.gebiedscode is not null then coalesce(k.kvk_risico_nieuw, 0) end as kvk_risico_nieuw,
           case when dk.gebiedscode is not null then coalesce(k.kvk_risico_opgeheven, 0) end as kvk_risico_opgeheven,
           case when dk.gebiedscode is not null then coalesce(k.kvk_kortlevend, 0) end as kvk_kortlevend,
           case when dk.gebiedscode is not null then coalesce(c.kvk_adresconcentratie, 0) end as kvk_adresconcentratie,
           sg.signalen_totaal,
{% for k in vormkolommen %}
           sg.{{ k }},
{% endfor %}
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

-- The counts in registry order, then the coverage; and each ratio's denominator where it is
-- masked by its count: a ratio divides by the population (or objects) of exactly the areas
-- that have the count.
lager as (
    select niveau, gebiedscode, periode,
{% for t in tellingen %}
           {{ t.naam }},
{% endfor %}
           bron_leegstand, bron_rni, bron_kvk, bron_signalen,
{% for d in noemers %}
           case when {{ d.telling }} is not null then {{ d.van }} end as {{ d.naam }}{{ "," if not loop.last }}
{% endfor %}
    from lager_geteld
),

boven as (
    select b.niveau, b.gebiedscode, t.periode,
{% for t in tellingen %}
           sum(t.{{ t.naam }}) as {{ t.naam }},
{% endfor %}
           bool_and(t.bron_leegstand) as bron_leegstand,
           bool_and(t.bron_rni) as bron_rni,
           bool_and(t.bron_kvk) as bron_kvk,
           bool_and(t.bron_signalen) as bron_signalen,
{% for d in noemers %}
           sum(t.{{ d.naam }}) as {{ d.naam }}{{ "," if not loop.last }}
{% endfor %}
    from lager t
    join int_gemeente_naar_boven b on t.niveau = 'gemeente' and b.gemeentecode = t.gebiedscode
    group by b.niveau, b.gebiedscode, t.periode
),

final as (
    select * from lager
    union all
    select * from boven
)

select * from final
