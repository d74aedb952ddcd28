create or replace view project_progress_latest as
select p.project, p.year, p.month,
       case p.stage when '未开工' then '前期' else p.stage end as stage,  -- one vocabulary: 前期 covers not started
       p.percent, p.note, p.problem, p.batch_id,
       b.user_name, b.created_at, b.demo
from project_progress p join batch b on b.id = p.batch_id
where b.status = 'committed'
qualify row_number() over (partition by p.project, p.year, p.month order by p.batch_id desc) = 1;
