-- The tables of schema.prisma, as Prisma Migrate would create them (same columns, types, defaults, constraint and
-- index names), written so that running it again changes nothing. Applied on the primary by
-- src/apply-blog-schema.ts; the standbys get the tables by streaming replication like any other write.

CREATE TABLE IF NOT EXISTS "blog_user" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "blog_user_pkey" PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS "blog_post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "author_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blog_post_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "blog_post_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "blog_user"("id")
        ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX IF NOT EXISTS "blog_user_email_key" ON "blog_user"("email");

CREATE INDEX IF NOT EXISTS "blog_post_author_id_idx" ON "blog_post"("author_id");

CREATE INDEX IF NOT EXISTS "blog_post_created_at_idx" ON "blog_post"("created_at" DESC);
