-- CreateTable
CREATE TABLE "test_replication" (
    "id" SERIAL NOT NULL,
    "data" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "test_replication_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "test_replication_created_at_idx" ON "test_replication"("created_at" DESC);
