package dev.hotswap.integration.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which of Hibernate's update statements (as its dialects write them) a rebuilt unit runs. */
class SchemaAdditionsTest {
    @Test
    void whatCreatesOrAddsRuns() {
        assertThat(SchemaAdditions.adds("create table pet (id bigint not null, name varchar(255), primary key (id))")).isTrue();
        assertThat(SchemaAdditions.adds("create sequence pet_seq start with 1 increment by 50")).isTrue();
        assertThat(SchemaAdditions.adds("alter table if exists owner add column phone varchar(255)")).isTrue();
        assertThat(SchemaAdditions.adds("alter table owner add phone varchar2(255 char)")).isTrue();
        assertThat(SchemaAdditions.adds("alter table if exists pet add constraint FK6teg foreign key (owner_id) references owner"))
                .isTrue();
        assertThat(SchemaAdditions.adds("ALTER TABLE \"My Owner\" ADD COLUMN phone varchar(255)")).isTrue();
        assertThat(SchemaAdditions.adds("create index idx_name on owner (name)")).isTrue();
    }

    @Test
    void whatAltersOrDropsAnExistingColumnKeyOrTableIsLeftOut() {
        assertThat(SchemaAdditions.adds("alter table if exists owner alter column city set data type varchar(10)")).isFalse();
        assertThat(SchemaAdditions.adds("alter table owner modify column city varchar(10)")).isFalse();
        assertThat(SchemaAdditions.adds("alter table owner modify city varchar2(10 char)")).isFalse();
        assertThat(SchemaAdditions.adds("alter table [owner] alter column city varchar(10)")).isFalse();
        assertThat(SchemaAdditions.adds("alter table if exists owner drop constraint UK_name")).isFalse();
        assertThat(SchemaAdditions.adds("drop table if exists owner cascade")).isFalse();
        assertThat(SchemaAdditions.adds("  DROP SEQUENCE owner_seq")).isFalse();
    }
}
