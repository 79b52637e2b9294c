package dev.idem.store.redis;

import io.lettuce.core.ScriptOutputType;
import java.util.List;

/** The scripts of every operation, loaded once per store. Immutable and thread-safe. */
final class Scripts {

    final Script claim = Script.load("claim", ScriptOutputType.MULTI);
    final Script complete = Script.load("complete", ScriptOutputType.INTEGER);
    final Script fail = Script.load("fail", ScriptOutputType.INTEGER);
    final Script renew = Script.load("renew", ScriptOutputType.INTEGER);
    final Script step = Script.load("step", ScriptOutputType.INTEGER);
    final Script due = Script.load("due", ScriptOutputType.MULTI);
    final Script find = Script.load("find", ScriptOutputType.MULTI);
    final Script history = Script.load("history", ScriptOutputType.MULTI);
    final Script list = Script.load("list", ScriptOutputType.MULTI);
    final Script requeue = Script.load("requeue", ScriptOutputType.INTEGER);
    final Script cancel = Script.load("cancel", ScriptOutputType.INTEGER);
    final Script purge = Script.load("purge", ScriptOutputType.MULTI);

    List<Script> all() {
        return List.of(claim, complete, fail, renew, step, due, find, history, list, requeue, cancel, purge);
    }
}
