"""A PostgreSQL backend ended under a server (an operator's pg_terminate_backend, a restarted database): the next
operation on its pooled connection gets the store's Chinese message, never psycopg's English traceback, and the
one after that works again (the pool drops the broken connection). bench/failover.py does the same under load."""

from __future__ import annotations

import psycopg
import pytest

from tracker import store


def test_a_terminated_backend_is_a_chinese_store_error_and_the_next_write_works(pg_db, pg_admin):
    with store.connect() as con:
        pid = con.pg.info.backend_pid
    with psycopg.connect(pg_admin, autocommit=True) as admin:
        assert admin.execute("select pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    with pytest.raises(store.StoreError) as refused:
        with store.writing() as con:
            con.execute("update meta set value = value where key = 'schema_version'")
    assert str(refused.value).startswith("数据库服务器（PostgreSQL）出错，本次操作没有完成，原有数据完好")
    with store.writing() as con:
        con.execute("update meta set value = value where key = 'schema_version'")
    with store.connect() as con:
        assert store.one(con, "select count(*) from meta where key = 'schema_version'") == (1,)
