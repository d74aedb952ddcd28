-- The report's sentence of every project and task of a year, the one place it is read (status, items, pages, deck,
-- 通报, exports): the newest committed item_sentence batch wins over the sentence the row was built or copied with,
-- and then the sentence is this year's report's (source_year null: no "沿用…待核对" mark).
create or replace view item_source_current as
with sentence as (
    select s.item, s.year, s.text
    from item_sentence s join batch b on b.id = s.batch_id
    where b.status = 'committed'
    qualify row_number() over (partition by s.item, s.year order by s.batch_id desc) = 1
)
select p.code as item, p.year, 'project' as kind, coalesce(s.text, p.source) as source,
       case when s.text is null then p.source_year end as source_year
from project p left join sentence s on s.item = p.code and s.year = p.year
union all
select t.code, t.year, 'task', coalesce(s.text, t.source), case when s.text is null then t.source_year end
from task t left join sentence s on s.item = t.code and s.year = t.year;
