-- The town's current plan for each named work: the newest committed plan batch, else the seed plan in project.
create or replace view project_plan_current as
with edited as (
    select pp.project, pp.year, pp.start_month, pp.finish_month, pp.note, pp.batch_id
    from project_plan pp join batch b on b.id = pp.batch_id
    where b.status = 'committed'
    qualify row_number() over (partition by pp.project, pp.year order by pp.batch_id desc) = 1
),

final as (
    select p.code as project, p.year,
           case when e.project is null then p.start_month else e.start_month end as start_month,
           case when e.project is null then p.finish_month else e.finish_month end as finish_month,
           e.note, e.batch_id
    from project p left join edited e on e.project = p.code and e.year = p.year
)

select * from final;
