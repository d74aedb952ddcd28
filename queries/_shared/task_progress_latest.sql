-- A task's report for each month: the newest committed batch wins; a reverted batch drops out.
create or replace view task_progress_latest as
select t.task, t.year, t.month, t.progress, t.self_assessment, t.problem, t.batch_id,
       b.user_name, b.created_at, b.demo
from task_progress t join batch b on b.id = t.batch_id
where b.status = 'committed'
qualify row_number() over (partition by t.task, t.year, t.month order by t.batch_id desc) = 1;
