/**
 * Inbound use cases: one class per activity an adapter can ask for (ingest an advisory/VEX event, start a manual
 * run, preview impact, cancel, retry a run or a segment, request a policy run, index or remove an image, seal
 * evidence), each taking a self-validating command record and answering a result whose business rejections are
 * typed (sealed results), never HTTP codes. Adapters translate to and from these; the rules live here, once.
 * {@link io.verdict.scheduler.usecases.RunQueries} is the read side the console and HTTP need.
 */
package io.verdict.scheduler.usecases;
