-- Grain: one row per RNI input row of the snapshot each gemeente-period uses (the latest
-- peildatum inside the period, see int_gekozen_peildata).
-- Inputs: stg_rni, int_gekozen_peildata.
with final as (
    select r.*
    from stg_rni r
    join int_gekozen_peildata k
      on k.bron = 'rni' and k.gemeentecode = r.gemeentecode
     and k.periode = r.periode and k.peildatum = r.peildatum
)

select * from final
