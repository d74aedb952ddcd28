-- 配合单位 and 责任领导 of each item and year: the newest committed batch wins (seeded from data/items.csv).
create or replace view item_assignment_current as
select a.item, a.year, a.kind, a.support_departments, a.leader, a.note, a.batch_id, b.user_name, b.created_at
from item_assignment a join batch b on b.id = a.batch_id
where b.status = 'committed'
qualify row_number() over (partition by a.item, a.year order by a.batch_id desc) = 1;
