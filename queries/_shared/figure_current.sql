-- The newest committed batch wins; a reverted batch drops out and the previous value shows again.
create or replace view figure_current as
select f.metric, f.year, f.month, f.place, f.value, f.note, f.batch_id,
       b.user_name, b.created_at, b.demo
from figure f join batch b on b.id = f.batch_id
where b.status = 'committed'
qualify row_number() over (partition by f.metric, f.year, f.month, f.place order by f.batch_id desc) = 1;
