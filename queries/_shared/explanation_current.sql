create or replace view explanation_current as
select e.*, b.user_name, b.created_at
from explanation e join batch b on b.id = e.batch_id
where b.status = 'committed'
qualify row_number() over (partition by e.indicator, e.year, e.month order by e.batch_id desc) = 1;
