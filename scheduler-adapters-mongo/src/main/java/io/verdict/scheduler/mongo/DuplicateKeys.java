package io.verdict.scheduler.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;

/** Recognises the duplicate-key error (11000) however the driver reports it: write, bulk or command error. */
final class DuplicateKeys {
    static final int CODE = 11000;

    private DuplicateKeys() {}

    static boolean is(MongoException e) {
        if (e instanceof MongoWriteException w) {
            return w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        if (e instanceof MongoBulkWriteException b) {
            return !b.getWriteErrors().isEmpty() && b.getWriteErrors().stream()
                    .allMatch(err -> ErrorCategory.fromErrorCode(err.getCode()) == ErrorCategory.DUPLICATE_KEY);
        }
        return e.getCode() == CODE || e.getCode() == 11001;
    }

    static boolean anyIn(MongoBulkWriteException e) {
        for (BulkWriteError err : e.getWriteErrors()) {
            if (ErrorCategory.fromErrorCode(err.getCode()) == ErrorCategory.DUPLICATE_KEY) return true;
        }
        return false;
    }
}
