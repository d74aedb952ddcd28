create or replace view target_current as
select t.* from target t join batch b on b.id = t.batch_id
where b.status = 'committed'
qualify row_number() over (partition by t.indicator, t.year order by t.batch_id desc) = 1;
