-- Grain: one row per action of the plan of approach (`acties.csv`): its area (a gemeente, or a
-- district or regio for a regional action), year and part, in the order the plan lists them.
-- Policy text written for the evaluation, no person counts: the personal-data guard checked
-- every cell when it was read, and a cell over 1,000 characters was quarantined.
-- Inputs: stg_acties, stg_actiestatussen, stg_onderdelen, stg_gebieden.
with final as (
    select a.niveau, a.gebiedscode, g.gebiedsnaam, a.jaar,
           a.onderdeel, o.onderdeel_titel, o.onderdeel_volgorde,
           a.volgorde, a.actie, a.status, s.status_omschrijving, s.status_volgorde,
           a.toelichting,
           g.district_code as district
    from stg_acties a
    join stg_gebieden g on g.niveau = a.niveau and g.gebiedscode = a.gebiedscode
    join stg_onderdelen o on o.onderdeel = a.onderdeel
    join stg_actiestatussen s on s.status = a.status
)

select * from final
order by case niveau when 'gemeente' then 1 when 'district' then 2 else 3 end,
         gebiedscode, jaar, onderdeel_volgorde, volgorde
