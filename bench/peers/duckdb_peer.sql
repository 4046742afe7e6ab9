-- The DuckDB peer: gebied_indicatoren (buurt to regio), kvk_sectoren and signalen_fasen from an
-- input drop, as an analyst would write them in DuckDB SQL with the spatial extension.
-- duckdb_peer.py defines the raw_* views over the drop's CSV or Parquet files and
-- gebieden_geo (every boundary file), and this script does the rest. Semantics: outputs.md §2–3.
-- Not done here (risicobeeld does it): validation and quarantine, municipal mergers, the
-- aggregate leegstand form, RNI rows by gebiedscode, monthly signal rows, disclosure control.

-- Areas ---------------------------------------------------------------------------------------
create temp table gebieden as
with geo as (
    select case left(code, 2) when 'BU' then 'buurt' when 'WK' then 'wijk' else 'gemeente' end as niveau,
           code as gebiedscode, naam as gebiedsnaam, 'GM' || substr(code, 3, 4) as gemeentecode
    from gebieden_geo
)
select g.niveau, g.gebiedscode, g.gebiedsnaam, g.gemeentecode, d.district_code, d.regio_code
from geo g join raw_districten d on d.gemeentecode = g.gemeentecode
union all
select distinct 'district', district_code, district_naam, null, district_code, regio_code from raw_districten
union all
select distinct 'regio', regio_code, regio_naam, null, null, regio_code from raw_districten;

create temp table naar_boven as
select gemeentecode, 'district' as niveau, district_code as gebiedscode from raw_districten
union all
select gemeentecode, 'regio', regio_code from raw_districten;

-- Each buurt and the areas it counts toward (itself, its wijk, its gemeente), by the code's digits.
create temp table buurt_in_gebied as
select b.gebiedscode as buurtcode, v.niveau, v.gebiedscode
from gebieden b,
     lateral (values ('buurt', b.gebiedscode),
                     ('wijk', 'WK' || substr(b.gebiedscode, 3, 6)),
                     ('gemeente', b.gemeentecode)) v(niveau, gebiedscode)
where b.niveau = 'buurt';

create temp table buurt_vlakken as
select code as buurtcode, geom from gebieden_geo where left(code, 2) = 'BU';

-- Objects, placed by buurtcode or by point in polygon ------------------------------------------
create temp table objecten as
select peildatum,
       cast(verblijfsobject_id as bigint) as id,
       lower(trim(status)) in ('verblijfsobject in gebruik', 'verblijfsobject in gebruik (niet ingemeten)') as geteld,
       bewoners_brp = 0 and vestigingen_hr = 0 and not woz_gebruik as leeg_als_geteld,
       nullif(trim(buurtcode), '') as buurtcode, x, y,
       upper(replace(postcode, ' ', '')) as postcode, huisnummer
from raw_objecten;

create temp table punten as
select distinct x, y from objecten where buurtcode is null
union
select distinct x, y from raw_kvk
where x is not null and nullif(trim(verblijfsobject_id), '') is null and nullif(trim(postcode), '') is null;

create temp table punt_buurt as
select p.x, p.y, b.buurtcode
from punten p join buurt_vlakken b on ST_Contains(b.geom, ST_Point(p.x, p.y));

create temp table objecten_geplaatst as
select o.peildatum, o.id, o.geteld, o.geteld and o.leeg_als_geteld as leeg,
       coalesce(o.buurtcode, p.buurtcode) as buurtcode, o.postcode, o.huisnummer
from objecten o
left join punt_buurt p on p.x = o.x and p.y = o.y;

-- Each object's place and each address's object in the latest snapshot that has them.
create temp table object_plek as
select id, arg_max(buurtcode, peildatum) as buurtcode from objecten_geplaatst group by id;

create temp table adres_object as
select postcode, huisnummer, arg_max(id, peildatum) as id
from objecten_geplaatst where postcode is not null
group by postcode, huisnummer;

create temp table feiten_objecten as
select peildatum, strftime(peildatum, '%Y') || '-Q' || quarter(peildatum) as periode,
       'GM' || substr(buurtcode, 3, 4) as gemeentecode, buurtcode, id, leeg
from objecten_geplaatst where geteld;

-- RNI, placed through the object (by id or by address) ----------------------------------------
create temp table feiten_rni as
with rijen as (
    select r.peildatum, coalesce(cast(nullif(trim(r.verblijfsobject_id), '') as bigint), a.id) as id,
           r.ingeschrevenen
    from raw_rni r
    left join adres_object a
      on a.postcode = upper(replace(r.postcode, ' ', '')) and a.huisnummer = r.huisnummer
)
select r.peildatum, strftime(r.peildatum, '%Y') || '-Q' || quarter(r.peildatum) as periode,
       'GM' || substr(p.buurtcode, 3, 4) as gemeentecode, p.buurtcode, r.id, r.ingeschrevenen
from rijen r join object_plek p on p.id = r.id;

-- Periods: from the first to the last quarter with a snapshot or a signal ----------------------
create temp table perioden as
with grenzen as (
    select min(d) as eerste, max(d) as laatste from (
        select peildatum as d from feiten_objecten
        union all select peildatum from feiten_rni
        union all select make_date(cast(left(periode, 4) as int), 3 * cast(right(periode, 1) as int) - 2, 1)
        from raw_signalen
    )
),
kwartalen as (
    select unnest(generate_series(date_trunc('quarter', eerste), date_trunc('quarter', laatste), interval 3 month)) as periode_start
    from grenzen
)
select strftime(periode_start, '%Y') || '-Q' || quarter(periode_start) as periode,
       cast(periode_start as date) as periode_start,
       cast(periode_start + interval 3 month - interval 1 day as date) as periode_eind,
       year(periode_start) as jaar
from kwartalen;

-- Stocks: per gemeente and period, the latest snapshot inside the period -----------------------
create temp table gekozen_objecten as
select * from feiten_objecten
qualify peildatum = max(peildatum) over (partition by gemeentecode, periode);

create temp table gekozen_rni as
select * from feiten_rni
qualify peildatum = max(peildatum) over (partition by gemeentecode, periode);

create temp table leegstand_buurt as
with rni_objecten as (
    select periode, id from gekozen_rni group by periode, id having sum(ingeschrevenen) >= 1
)
select o.periode, o.buurtcode,
       count(*) as vbo_in_gebruik,
       count(*) filter (where o.leeg) as leeg_aantal,
       count(*) filter (where o.leeg and r.id is not null) as verborgen_bewoning
from gekozen_objecten o
left join rni_objecten r on r.periode = o.periode and r.id = o.id
group by o.periode, o.buurtcode;

create temp table rni_buurt as
with per_object as (
    select periode, buurtcode, id, sum(ingeschrevenen) as ingeschrevenen
    from gekozen_rni group by periode, buurtcode, id
)
select periode, buurtcode, sum(ingeschrevenen) as rni_ingeschrevenen,
       count(*) filter (where ingeschrevenen >= 1) as rni_adressen
from per_object group by periode, buurtcode;

-- KvK: risk sectors by the longest SBI prefix, placed like RNI or by point ---------------------
create temp table sectoren(sector varchar, prefix varchar);
insert into sectoren values
    ('landbouw', '01'), ('bouw', '41'), ('bouw', '42'), ('bouw', '43'),
    ('handel', '45'), ('handel', '46'), ('handel', '47'),
    ('horeca', '55'), ('horeca', '56'), ('uitzendbureaus', '782'), ('uitzendbureaus', '783'),
    ('schoonmaak', '812'), ('beauty_wellness', '9602'), ('beauty_wellness', '9604'),
    ('huishoudelijk', '97');
insert into sectoren select 'industrie', cast(n as varchar) from range(10, 34) t(n);
insert into sectoren select 'vervoer_opslag', cast(n as varchar) from range(49, 54) t(n);

create temp table kvk as
with rijen as (
    select replace(sbi_code, '.', '') as sbi, datum_inschrijving, datum_uitschrijving,
           coalesce(cast(nullif(trim(k.verblijfsobject_id), '') as bigint), a.id) as id, k.x, k.y
    from raw_kvk k
    left join adres_object a
      on a.postcode = upper(replace(k.postcode, ' ', '')) and a.huisnummer = k.huisnummer
),
geplaatst as (
    select r.*, coalesce(o.buurtcode, p.buurtcode) as buurtcode
    from rijen r
    left join object_plek o on o.id = r.id
    left join punt_buurt p on p.x = r.x and p.y = r.y
),
met_sector as (
    -- The longest matching prefix wins: try four, three, then two digits.
    select g.*, coalesce(s4.sector, s3.sector, s2.sector) as sector
    from geplaatst g
    left join sectoren s4 on s4.prefix = left(g.sbi, 4)
    left join sectoren s3 on s3.prefix = left(g.sbi, 3)
    left join sectoren s2 on s2.prefix = left(g.sbi, 2)
)
select sector, id, buurtcode, 'GM' || substr(buurtcode, 3, 4) as gemeentecode,
       datum_inschrijving, datum_uitschrijving,
       datum_uitschrijving - datum_inschrijving < 365 as kortlevend
from met_sector where buurtcode is not null;

create temp table kvk_buurt_sector as
with risico as (select * from kvk where sector is not null),
actief as (
    select p.periode, k.buurtcode, k.sector, count(*) as actief
    from risico k join perioden p
      on k.datum_inschrijving <= p.periode_eind
     and (k.datum_uitschrijving is null or k.datum_uitschrijving > p.periode_eind)
    group by all
),
nieuw as (
    select p.periode, k.buurtcode, k.sector, count(*) as nieuw
    from risico k join perioden p on k.datum_inschrijving between p.periode_start and p.periode_eind
    group by all
),
opgeheven as (
    select p.periode, k.buurtcode, k.sector, count(*) as opgeheven,
           count(*) filter (where k.kortlevend) as kortlevend
    from risico k join perioden p on k.datum_uitschrijving between p.periode_start and p.periode_eind
    group by all
)
select periode, buurtcode, sector,
       coalesce(a.actief, 0) as actief, coalesce(n.nieuw, 0) as nieuw,
       coalesce(o.opgeheven, 0) as opgeheven, coalesce(o.kortlevend, 0) as kortlevend
from actief a
full join nieuw n using (periode, buurtcode, sector)
full join opgeheven o using (periode, buurtcode, sector);

create temp table kvk_concentratie_buurt as
with per_object as (
    select p.periode, k.buurtcode, k.id, count(*) as actief
    from kvk k join perioden p
      on k.datum_inschrijving <= p.periode_eind
     and (k.datum_uitschrijving is null or k.datum_uitschrijving > p.periode_eind)
    where k.sector is not null and k.id is not null
    group by all
)
select periode, buurtcode, count(*) as kvk_adresconcentratie
from per_object where actief >= 5 group by all;

-- Signals: per gemeente and period, zero inside the span a gemeente delivered, else null --------
create temp table signalen as
select left(periode, 4) || '-Q' || right(periode, 1) as periode,
       'GM' || substr(gebiedscode, 3, 4) as gemeentecode, vorm, fase, aantal
from raw_signalen;

create temp table signalen_dekking as
select s.gemeentecode, p.periode
from (select gemeentecode, min(periode) as eerste, max(periode) as laatste from signalen group by all) s
join perioden p on p.periode between s.eerste and s.laatste;

-- Coverage: which gemeente delivered which source for which period ------------------------------
create temp table dekking as
select distinct 'leegstand' as bron, gemeentecode, periode from gekozen_objecten
union all
select distinct 'rni', gemeentecode, periode from gekozen_rni
union all
select 'kvk', k.gemeentecode, p.periode from (select distinct gemeentecode from kvk) k cross join perioden p
union all
select 'signalen', gemeentecode, periode from signalen_dekking;

-- Counts at buurt, wijk and gemeente: roll the buurt facts up through the code's digits ---------
create temp table buurt_tellingen as
with kvk_totaal as (
    select periode, buurtcode, sum(actief) as kvk_risico_actief,
           sum(actief) filter (where sector = 'uitzendbureaus') as kvk_uitzendbureaus,
           sum(nieuw) as kvk_risico_nieuw, sum(opgeheven) as kvk_risico_opgeheven,
           sum(kortlevend) as kvk_kortlevend
    from kvk_buurt_sector group by all
)
select coalesce(l.periode, r.periode, k.periode, c.periode) as periode,
       coalesce(l.buurtcode, r.buurtcode, k.buurtcode, c.buurtcode) as buurtcode,
       l.vbo_in_gebruik, l.leeg_aantal, l.verborgen_bewoning, r.rni_ingeschrevenen, r.rni_adressen,
       k.kvk_risico_actief, k.kvk_uitzendbureaus, k.kvk_risico_nieuw, k.kvk_risico_opgeheven,
       k.kvk_kortlevend, c.kvk_adresconcentratie
from leegstand_buurt l
full join rni_buurt r using (periode, buurtcode)
full join kvk_totaal k using (periode, buurtcode)
full join kvk_concentratie_buurt c using (periode, buurtcode);

create temp table lager as
with gerold as (
    select niveau, gebiedscode, periode,
           sum(vbo_in_gebruik) as vbo_in_gebruik, sum(leeg_aantal) as leeg_aantal,
           sum(verborgen_bewoning) as verborgen_bewoning,
           sum(rni_ingeschrevenen) as rni_ingeschrevenen, sum(rni_adressen) as rni_adressen,
           sum(kvk_risico_actief) as kvk_risico_actief, sum(kvk_uitzendbureaus) as kvk_uitzendbureaus,
           sum(kvk_risico_nieuw) as kvk_risico_nieuw, sum(kvk_risico_opgeheven) as kvk_risico_opgeheven,
           sum(kvk_kortlevend) as kvk_kortlevend, sum(kvk_adresconcentratie) as kvk_adresconcentratie
    from buurt_tellingen t join buurt_in_gebied v using (buurtcode)
    group by all
),
signalen_gemeente as (
    select d.gemeentecode, d.periode,
           coalesce(sum(s.aantal), 0) as signalen_totaal,
           -- One column per form column of the vocabulary (duckdb_peer.py fills this in).
           {signal_form_sums}
    from signalen_dekking d
    left join signalen s on s.gemeentecode = d.gemeentecode and s.periode = d.periode
    group by all
),
inwoners as (
    select g.gebiedscode, p.periode, arg_max(b.inwoners, b.jaar) as inwoners
    from gebieden g cross join perioden p
    join raw_bevolking b on b.gebiedscode = g.gebiedscode and b.jaar <= p.jaar
    group by all
),
spine as (
    select g.niveau, g.gebiedscode, g.gemeentecode, p.periode
    from gebieden g cross join perioden p
    where g.niveau in ('buurt', 'wijk', 'gemeente')
),
gedekt as (
    select s.*, i.inwoners,
           dl.gemeentecode is not null as bron_leegstand, dr.gemeentecode is not null as bron_rni,
           dk.gemeentecode is not null as bron_kvk,
           s.niveau = 'gemeente' and ds.gemeentecode is not null as bron_signalen
    from spine s
    left join inwoners i using (gebiedscode, periode)
    left join dekking dl on dl.bron = 'leegstand' and dl.gemeentecode = s.gemeentecode and dl.periode = s.periode
    left join dekking dr on dr.bron = 'rni' and dr.gemeentecode = s.gemeentecode and dr.periode = s.periode
    left join dekking dk on dk.bron = 'kvk' and dk.gemeentecode = s.gemeentecode and dk.periode = s.periode
    left join dekking ds on ds.bron = 'signalen' and ds.gemeentecode = s.gemeentecode and ds.periode = s.periode
),
tellingen as (
    select d.niveau, d.gebiedscode, d.periode, d.inwoners,
           case when bron_leegstand then coalesce(t.vbo_in_gebruik, 0) end as vbo_in_gebruik,
           case when bron_leegstand then coalesce(t.leeg_aantal, 0) end as leeg_aantal,
           case when bron_rni then coalesce(t.rni_ingeschrevenen, 0) end as rni_ingeschrevenen,
           case when bron_rni then coalesce(t.rni_adressen, 0) end as rni_adressen,
           case when bron_leegstand and bron_rni then coalesce(t.verborgen_bewoning, 0) end as verborgen_bewoning,
           case when bron_kvk then coalesce(t.kvk_risico_actief, 0) end as kvk_risico_actief,
           case when bron_kvk then coalesce(t.kvk_uitzendbureaus, 0) end as kvk_uitzendbureaus,
           case when bron_kvk then coalesce(t.kvk_risico_nieuw, 0) end as kvk_risico_nieuw,
           case when bron_kvk then coalesce(t.kvk_risico_opgeheven, 0) end as kvk_risico_opgeheven,
           case when bron_kvk then coalesce(t.kvk_kortlevend, 0) end as kvk_kortlevend,
           case when bron_kvk then coalesce(t.kvk_adresconcentratie, 0) end as kvk_adresconcentratie,
           sg.signalen_totaal, sg.signalen_seksueel, sg.signalen_crimineel, sg.signalen_arbeid,
           sg.signalen_crimineel_seksueel, sg.signalen_overig,
           bron_leegstand, bron_rni, bron_kvk, bron_signalen
    from gedekt d
    left join gerold t using (niveau, gebiedscode, periode)
    left join signalen_gemeente sg
      on d.niveau = 'gemeente' and sg.gemeentecode = d.gebiedscode and sg.periode = d.periode
)
select *,
       case when vbo_in_gebruik is not null then inwoners end as inwoners_leegstand,
       case when rni_ingeschrevenen is not null then inwoners end as inwoners_rni,
       case when verborgen_bewoning is not null then vbo_in_gebruik end as vbo_verborgen,
       case when kvk_risico_actief is not null then inwoners end as inwoners_kvk,
       case when signalen_totaal is not null then inwoners end as inwoners_signalen
from tellingen;

-- District and regio: sums of their gemeenten, and a source counts only when every member has it ---
create temp table alle_tellingen as
select * from lager
union all by name
select b.niveau, b.gebiedscode, l.periode,
       sum(inwoners) as inwoners,
       sum(vbo_in_gebruik) as vbo_in_gebruik, sum(leeg_aantal) as leeg_aantal,
       sum(rni_ingeschrevenen) as rni_ingeschrevenen, sum(rni_adressen) as rni_adressen,
       sum(verborgen_bewoning) as verborgen_bewoning,
       sum(kvk_risico_actief) as kvk_risico_actief, sum(kvk_uitzendbureaus) as kvk_uitzendbureaus,
       sum(kvk_risico_nieuw) as kvk_risico_nieuw, sum(kvk_risico_opgeheven) as kvk_risico_opgeheven,
       sum(kvk_kortlevend) as kvk_kortlevend, sum(kvk_adresconcentratie) as kvk_adresconcentratie,
       sum(signalen_totaal) as signalen_totaal, sum(signalen_seksueel) as signalen_seksueel,
       sum(signalen_crimineel) as signalen_crimineel, sum(signalen_arbeid) as signalen_arbeid,
       sum(signalen_crimineel_seksueel) as signalen_crimineel_seksueel,
       sum(signalen_overig) as signalen_overig,
       bool_and(bron_leegstand) as bron_leegstand, bool_and(bron_rni) as bron_rni,
       bool_and(bron_kvk) as bron_kvk, bool_and(bron_signalen) as bron_signalen,
       sum(inwoners_leegstand) as inwoners_leegstand, sum(inwoners_rni) as inwoners_rni,
       sum(vbo_verborgen) as vbo_verborgen, sum(inwoners_kvk) as inwoners_kvk,
       sum(inwoners_signalen) as inwoners_signalen
from lager l join naar_boven b on l.niveau = 'gemeente' and b.gemeentecode = l.gebiedscode
group by all;

-- Ratios, z-scores within level and period, the weighted risk score and its rank --------------
create temp table gebied_indicatoren as
with ratios as (
    select t.*, g.gebiedsnaam, g.gemeentecode, g.district_code, g.regio_code,
           p.periode_start, p.periode_eind,
           100.0 * leeg_aantal / nullif(vbo_in_gebruik, 0) as leeg_pct,
           1000.0 * rni_ingeschrevenen / nullif(inwoners_rni, 0) as rni_per_1000_inwoners,
           1000.0 * verborgen_bewoning / nullif(vbo_verborgen, 0) as verborgen_per_1000_vbo,
           1000.0 * kvk_risico_actief / nullif(inwoners_kvk, 0) as kvk_per_1000_inwoners,
           10000.0 * signalen_totaal / nullif(inwoners_signalen, 0) as signalen_per_10000_inwoners
    from alle_tellingen t
    join gebieden g using (niveau, gebiedscode)
    join perioden p using (periode)
),
-- Empirical-Bayes smoothing (Marshall's global method of moments) of the five rates within level
-- and period; the z-scores are of the smoothed rates, as risicobeeld's (docs/statistics.md).
tellers as (
    select *,
           case when leeg_pct is not null then leeg_aantal::double end as k_leeg,
           case when leeg_pct is not null then vbo_in_gebruik::double end as n_leeg,
           case when rni_per_1000_inwoners is not null then rni_ingeschrevenen::double end as k_rni,
           case when rni_per_1000_inwoners is not null then inwoners_rni::double end as n_rni,
           case when verborgen_per_1000_vbo is not null then verborgen_bewoning::double end as k_verborgen,
           case when verborgen_per_1000_vbo is not null then vbo_verborgen::double end as n_verborgen,
           case when kvk_per_1000_inwoners is not null then kvk_risico_actief::double end as k_kvk,
           case when kvk_per_1000_inwoners is not null then inwoners_kvk::double end as n_kvk,
           case when signalen_per_10000_inwoners is not null then signalen_totaal::double end as k_signalen,
           case when signalen_per_10000_inwoners is not null then inwoners_signalen::double end as n_signalen
    from ratios
),
prior as (
    select *,
           sum(k_leeg) over w / sum(n_leeg) over w as m_leeg,
           sum(n_leeg) over w / count(n_leeg) over w as nbar_leeg,
           sum(k_rni) over w / sum(n_rni) over w as m_rni,
           sum(n_rni) over w / count(n_rni) over w as nbar_rni,
           sum(k_verborgen) over w / sum(n_verborgen) over w as m_verborgen,
           sum(n_verborgen) over w / count(n_verborgen) over w as nbar_verborgen,
           sum(k_kvk) over w / sum(n_kvk) over w as m_kvk,
           sum(n_kvk) over w / count(n_kvk) over w as nbar_kvk,
           sum(k_signalen) over w / sum(n_signalen) over w as m_signalen,
           sum(n_signalen) over w / count(n_signalen) over w as nbar_signalen
    from tellers
    window w as (partition by niveau, periode)
),
variantie as (
    select *,
           greatest(sum(n_leeg * (k_leeg / n_leeg - m_leeg) ** 2) over w / sum(n_leeg) over w - m_leeg / nbar_leeg, 0) as s2_leeg,
           greatest(sum(n_rni * (k_rni / n_rni - m_rni) ** 2) over w / sum(n_rni) over w - m_rni / nbar_rni, 0) as s2_rni,
           greatest(sum(n_verborgen * (k_verborgen / n_verborgen - m_verborgen) ** 2) over w / sum(n_verborgen) over w - m_verborgen / nbar_verborgen, 0) as s2_verborgen,
           greatest(sum(n_kvk * (k_kvk / n_kvk - m_kvk) ** 2) over w / sum(n_kvk) over w - m_kvk / nbar_kvk, 0) as s2_kvk,
           greatest(sum(n_signalen * (k_signalen / n_signalen - m_signalen) ** 2) over w / sum(n_signalen) over w - m_signalen / nbar_signalen, 0) as s2_signalen
    from prior
    window w as (partition by niveau, periode)
),
glad as (
    select *,
           100.0 * case when s2_leeg + m_leeg / n_leeg > 0
                then (s2_leeg / (s2_leeg + m_leeg / n_leeg)) * (k_leeg / n_leeg) + (1 - s2_leeg / (s2_leeg + m_leeg / n_leeg)) * m_leeg
                else k_leeg / n_leeg end as g_leeg,
           1000.0 * case when s2_rni + m_rni / n_rni > 0
                then (s2_rni / (s2_rni + m_rni / n_rni)) * (k_rni / n_rni) + (1 - s2_rni / (s2_rni + m_rni / n_rni)) * m_rni
                else k_rni / n_rni end as g_rni,
           1000.0 * case when s2_verborgen + m_verborgen / n_verborgen > 0
                then (s2_verborgen / (s2_verborgen + m_verborgen / n_verborgen)) * (k_verborgen / n_verborgen) + (1 - s2_verborgen / (s2_verborgen + m_verborgen / n_verborgen)) * m_verborgen
                else k_verborgen / n_verborgen end as g_verborgen,
           1000.0 * case when s2_kvk + m_kvk / n_kvk > 0
                then (s2_kvk / (s2_kvk + m_kvk / n_kvk)) * (k_kvk / n_kvk) + (1 - s2_kvk / (s2_kvk + m_kvk / n_kvk)) * m_kvk
                else k_kvk / n_kvk end as g_kvk,
           10000.0 * case when s2_signalen + m_signalen / n_signalen > 0
                then (s2_signalen / (s2_signalen + m_signalen / n_signalen)) * (k_signalen / n_signalen) + (1 - s2_signalen / (s2_signalen + m_signalen / n_signalen)) * m_signalen
                else k_signalen / n_signalen end as g_signalen
    from variantie
),
z as (
    select *,
           coalesce((g_leeg - avg(g_leeg) over w) / nullif(stddev_pop(g_leeg) over w, 0),
                    case when g_leeg is not null then 0.0 end) as z_leeg,
           coalesce((g_rni - avg(g_rni) over w) / nullif(stddev_pop(g_rni) over w, 0),
                    case when g_rni is not null then 0.0 end) as z_rni,
           coalesce((g_verborgen - avg(g_verborgen) over w) / nullif(stddev_pop(g_verborgen) over w, 0),
                    case when g_verborgen is not null then 0.0 end) as z_verborgen,
           coalesce((g_kvk - avg(g_kvk) over w) / nullif(stddev_pop(g_kvk) over w, 0),
                    case when g_kvk is not null then 0.0 end) as z_kvk,
           coalesce((g_signalen - avg(g_signalen) over w) / nullif(stddev_pop(g_signalen) over w, 0),
                    case when g_signalen is not null then 0.0 end) as z_signalen
    from glad
    window w as (partition by niveau, periode)
),
-- The default weights: 1 for the four structural rates, 0 for signals (which measure looking as
-- much as exploitation; the registry's score_weight), so signals leave the score out.
score as (
    select *,
           (coalesce(z_leeg, 0) + coalesce(z_rni, 0) + coalesce(z_verborgen, 0) + coalesce(z_kvk, 0))
           / nullif((z_leeg is not null)::int + (z_rni is not null)::int + (z_verborgen is not null)::int
                    + (z_kvk is not null)::int, 0) as risicoscore
    from z
)
select niveau, gebiedscode, gebiedsnaam, gemeentecode, district_code, regio_code,
       periode, periode_start, periode_eind, inwoners,
       vbo_in_gebruik, leeg_aantal, leeg_pct,
       rni_ingeschrevenen, rni_adressen, rni_per_1000_inwoners, verborgen_bewoning,
       kvk_risico_actief, kvk_uitzendbureaus, kvk_risico_nieuw, kvk_risico_opgeheven,
       kvk_kortlevend, kvk_adresconcentratie,
       signalen_totaal, signalen_seksueel, signalen_crimineel, signalen_arbeid,
       signalen_crimineel_seksueel, signalen_overig,
       risicoscore,
       case when risicoscore is not null then
           row_number() over (partition by niveau, periode order by risicoscore desc, gebiedscode) end as risicorang,
       bron_leegstand, bron_rni, bron_kvk, bron_signalen
from score;

-- kvk_sectoren: every covered area, period and sector --------------------------------------------
create temp table kvk_sectoren as
with gerold as (
    select v.niveau, v.gebiedscode, k.periode, k.sector,
           sum(actief) as actief, sum(nieuw) as nieuw, sum(opgeheven) as opgeheven,
           sum(kortlevend) as kortlevend
    from kvk_buurt_sector k join buurt_in_gebied v using (buurtcode)
    group by all
),
lager as (
    select g.niveau, g.gebiedscode, d.periode, sec.sector,
           coalesce(k.actief, 0) as actief, coalesce(k.nieuw, 0) as nieuw,
           coalesce(k.opgeheven, 0) as opgeheven, coalesce(k.kortlevend, 0) as kortlevend
    from gebieden g
    join dekking d on d.bron = 'kvk' and d.gemeentecode = g.gemeentecode
    cross join (select distinct sector from sectoren) sec
    left join gerold k
      on k.niveau = g.niveau and k.gebiedscode = g.gebiedscode
     and k.periode = d.periode and k.sector = sec.sector
    where g.niveau in ('buurt', 'wijk', 'gemeente')
)
select * from lager
union all
select b.niveau, b.gebiedscode, l.periode, l.sector,
       sum(actief), sum(nieuw), sum(opgeheven), sum(kortlevend)
from lager l join naar_boven b on l.niveau = 'gemeente' and b.gemeentecode = l.gebiedscode
group by all;

-- signalen_fasen: every covered gemeente, period, vorm and fase, and `bereikt` counts down ---------
create temp table signalen_fasen as
with cellen as (
    select d.gemeentecode as gebiedscode, d.periode, v.vorm, f.fase,
           coalesce(sum(s.aantal), 0) as aantal
    from signalen_dekking d
    cross join (values ('seksueel'), ('crimineel'), ('arbeid'), ('crimineel_seksueel'), ('orgaan'),
                       ('overig'), ('onbekend')) v(vorm)
    cross join range(1, 6) f(fase)
    left join signalen s
      on s.gemeentecode = d.gemeentecode and s.periode = d.periode and s.vorm = v.vorm and s.fase = f.fase
    group by all
)
select gebiedscode, periode, vorm, fase, aantal,
       sum(aantal) over (partition by gebiedscode, periode, vorm order by fase desc) as bereikt
from cellen;
