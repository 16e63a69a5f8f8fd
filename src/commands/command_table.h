#ifndef BASALT_COMMANDS_COMMAND_TABLE_H
#define BASALT_COMMANDS_COMMAND_TABLE_H

/* Every command: X(name, arity, flags, first key, last key, key step,
 * group, since, complexity, summary). The handler of "name" is cmd_name. */
#define W CMD_WRITE
#define R CMD_READONLY
#define F CMD_FAST
#define A CMD_ADMIN
#define N CMD_NOAUTH
#define COMMAND_TABLE(X)                                                                                    \
    /* strings */                                                                                           \
    X(get, 2, R | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Returns the string value of a key.")             \
    X(set, -3, W | CMD_DENYOOM | CMD_WRITE_GROUP, 1, 1, 1, "string", "1.0.0", "O(1)",                                          \
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")         \
    X(setnx, 3, W | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Set the string value of a key only when the key doesn't exist.") \
    X(setex, 4, W, 1, 1, 1, "string", "2.0.0", "O(1)", "Sets the string value and expiration time of a key.") \
    X(psetex, 4, W, 1, 1, 1, "string", "2.6.0", "O(1)",                                                      \
      "Sets both string value and expiration time in milliseconds of a key.")                               \
    X(mget, -2, R | F, 1, -1, 1, "string", "1.0.0", "O(N)", "Atomically returns the string values of one or more keys.") \
    X(mset, -3, W | CMD_WRITE_GROUP, 1, -1, 2, "string", "1.0.1", "O(N)", "Atomically creates or modifies the string values of one or more keys.") \
    X(msetnx, -3, W, 1, -1, 2, "string", "1.0.1", "O(N)",                                                    \
      "Atomically modifies the string values of one or more keys only when all keys don't exist.")          \
    X(getset, 3, W | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Returns the previous string value of a key after setting it to a new value.") \
    X(getdel, 2, W | F, 1, 1, 1, "string", "6.2.0", "O(1)", "Returns the string value of a key after deleting the key.") \
    X(getex, -2, W | F, 1, 1, 1, "string", "6.2.0", "O(1)", "Returns the string value of a key after setting its expiration time.") \
    X(append, 3, W | F, 1, 1, 1, "string", "2.0.0", "O(1)", "Appends a string to the value of a key. Creates the key if it doesn't exist.") \
    X(strlen, 2, R | F, 1, 1, 1, "string", "2.2.0", "O(1)", "Returns the length of a string value.")        \
    X(incr, 2, W | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.") \
    X(incrby, 3, W | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.") \
    X(incrbyfloat, 3, W | F, 1, 1, 1, "string", "2.6.0", "O(1)", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.") \
    X(decr, 2, W | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.") \
    X(decrby, 3, W | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.") \
    X(getrange, 4, R, 1, 1, 1, "string", "2.4.0", "O(N)", "Returns a substring of the string stored at a key.") \
    X(substr, 4, R, 1, 1, 1, "string", "1.0.0", "O(N)", "Returns a substring from a string value.")         \
    X(setrange, 4, W, 1, 1, 1, "string", "2.2.0", "O(1)", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.") \
    /* lists */                                                                                             \
    X(lpush, -3, W | F | CMD_DENYOOM, 1, 1, 1, "list", "1.0.0", "O(1) per element", "Prepends one or more elements to a list. Creates the key if it doesn't exist.") \
    X(rpush, -3, W | F | CMD_DENYOOM, 1, 1, 1, "list", "1.0.0", "O(1) per element", "Appends one or more elements to a list. Creates the key if it doesn't exist.") \
    X(lpushx, -3, W | F | CMD_DENYOOM, 1, 1, 1, "list", "2.2.0", "O(1) per element", "Prepends one or more elements to a list only when the list exists.") \
    X(rpushx, -3, W | F | CMD_DENYOOM, 1, 1, 1, "list", "2.2.0", "O(1) per element", "Appends an element to a list only when the list exists.") \
    X(lpop, -2, W | F, 1, 1, 1, "list", "1.0.0", "O(N)", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.") \
    X(rpop, -2, W | F, 1, 1, 1, "list", "1.0.0", "O(N)", "Returns and removes the last elements of a list. Deletes the list if the last element was popped.") \
    X(lrange, 4, R, 1, 1, 1, "list", "1.0.0", "O(S+N)", "Returns a range of elements from a list.")     \
    X(lindex, 3, R, 1, 1, 1, "list", "1.0.0", "O(1)", "Returns an element from a list by its index.")     \
    X(lset, 4, W | CMD_DENYOOM, 1, 1, 1, "list", "1.0.0", "O(1)", "Sets the value of an element in a list by its index.") \
    X(llen, 2, R | F, 1, 1, 1, "list", "1.0.0", "O(1)", "Returns the length of a list.")                    \
    X(lrem, 4, W, 1, 1, 1, "list", "1.0.0", "O(N)", "Removes elements from a list. Deletes the list if the last element was removed.") \
    X(ltrim, 4, W, 1, 1, 1, "list", "1.0.0", "O(N) removed", "Removes elements from both ends a list. Deletes the list if all elements were trimmed.") \
    X(linsert, 5, W | CMD_DENYOOM, 1, 1, 1, "list", "2.2.0", "O(N)", "Inserts an element before or after another element in a list.") \
    X(lpos, -3, R, 1, 1, 1, "list", "6.0.6", "O(N)", "Returns the index of matching elements in a list.") \
    X(lmove, 5, W | CMD_DENYOOM, 1, 2, 1, "list", "6.2.0", "O(1)", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.") \
    X(rpoplpush, 3, W | CMD_DENYOOM, 1, 2, 1, "list", "1.2.0", "O(1)", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.") \
    X(lmpop, -4, W, 0, 0, 0, "list", "7.0.0", "O(N+M)", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.") \
    X(blpop, -3, W | CMD_BLOCKING, 1, -2, 1, "list", "2.0.0", "O(N)", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.") \
    X(brpop, -3, W | CMD_BLOCKING, 1, -2, 1, "list", "2.0.0", "O(N)", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.") \
    X(blmove, 6, W | CMD_DENYOOM | CMD_BLOCKING, 1, 2, 1, "list", "6.2.0", "O(1)", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.") \
    X(brpoplpush, 4, W | CMD_DENYOOM | CMD_BLOCKING, 1, 2, 1, "list", "2.2.0", "O(1)", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.") \
    X(blmpop, -5, W | CMD_BLOCKING, 0, 0, 0, "list", "7.0.0", "O(N+M)", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.") \
    /* hashes */                                                                                             \
    X(hset, -4, W | F | CMD_DENYOOM, 1, 1, 1, "hash", "2.0.0", "O(1) per field", "Creates or modifies the value of a field in a hash.") \
    X(hsetnx, 4, W | F | CMD_DENYOOM, 1, 1, 1, "hash", "2.0.0", "O(1)", "Sets the value of a field in a hash only when the field doesn't exist.") \
    X(hget, 3, R | F, 1, 1, 1, "hash", "2.0.0", "O(1)", "Returns the value of a field in a hash.")           \
    X(hmset, -4, W | F | CMD_DENYOOM, 1, 1, 1, "hash", "2.0.0", "O(N)", "Sets the values of multiple fields.") \
    X(hmget, -3, R | F, 1, 1, 1, "hash", "2.0.0", "O(N)", "Returns the values of all fields in a hash.")     \
    X(hgetall, 2, R, 1, 1, 1, "hash", "2.0.0", "O(N)", "Returns all fields and values in a hash.")           \
    X(hdel, -3, W | F, 1, 1, 1, "hash", "2.0.0", "O(N)", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.") \
    X(hlen, 2, R | F, 1, 1, 1, "hash", "2.0.0", "O(1)", "Returns the number of fields in a hash.")           \
    X(hexists, 3, R | F, 1, 1, 1, "hash", "2.0.0", "O(1)", "Determines whether a field exists in a hash.")   \
    X(hincrby, 4, W | F | CMD_DENYOOM, 1, 1, 1, "hash", "2.0.0", "O(1)", "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.") \
    X(hincrbyfloat, 4, W | F | CMD_DENYOOM, 1, 1, 1, "hash", "2.6.0", "O(1)", "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.") \
    X(hkeys, 2, R, 1, 1, 1, "hash", "2.0.0", "O(N)", "Returns all fields in a hash.")                        \
    X(hvals, 2, R, 1, 1, 1, "hash", "2.0.0", "O(N)", "Returns all values in a hash.")                        \
    X(hstrlen, 3, R | F, 1, 1, 1, "hash", "3.2.0", "O(1)", "Returns the length of the value of a field.")    \
    X(hscan, -3, R, 1, 1, 1, "hash", "2.8.0", "O(1) per call", "Iterates over fields and values of a hash.") \
    X(hrandfield, -2, R, 1, 1, 1, "hash", "6.2.0", "O(N)", "Returns one or more random fields from a hash.") \
    /* sets */                                                                                               \
    X(sadd, -3, W | F | CMD_DENYOOM, 1, 1, 1, "set", "1.0.0", "O(1) per member", "Adds one or more members to a set. Creates the key if it doesn't exist.") \
    X(srem, -3, W | F, 1, 1, 1, "set", "1.0.0", "O(1) per member", "Removes one or more members from a set. Deletes the set if the last member was removed.") \
    X(smembers, 2, R, 1, 1, 1, "set", "1.0.0", "O(N)", "Returns all members of a set.")                      \
    X(sismember, 3, R | F, 1, 1, 1, "set", "1.0.0", "O(1)", "Determines whether a member belongs to a set.") \
    X(smismember, -3, R | F, 1, 1, 1, "set", "6.2.0", "O(N)", "Determines whether multiple members belong to a set.") \
    X(scard, 2, R | F, 1, 1, 1, "set", "1.0.0", "O(1)", "Returns the number of members in a set.")           \
    X(spop, -2, W | F, 1, 1, 1, "set", "1.0.0", "O(N)", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.") \
    X(srandmember, -2, R, 1, 1, 1, "set", "1.0.0", "O(N)", "Get one or multiple random members from a set")  \
    X(smove, 4, W | F, 1, 2, 1, "set", "1.0.0", "O(1)", "Moves a member from one set to another.")           \
    X(sinter, -2, R, 1, -1, 1, "set", "1.0.0", "O(N*M) worst case", "Returns the intersect of multiple sets.") \
    X(sintercard, -3, R, 0, 0, 0, "set", "7.0.0", "O(N*M) worst case", "Returns the number of members of the intersect of multiple sets.") \
    X(sunion, -2, R, 1, -1, 1, "set", "1.0.0", "O(N log K)", "Returns the union of multiple sets.")          \
    X(sdiff, -2, R, 1, -1, 1, "set", "1.0.0", "O(N)", "Returns the difference of multiple sets.")            \
    X(sinterstore, -3, W | CMD_DENYOOM, 1, -1, 1, "set", "1.0.0", "O(N*M) worst case", "Stores the intersect of multiple sets in a key.") \
    X(sunionstore, -3, W | CMD_DENYOOM, 1, -1, 1, "set", "1.0.0", "O(N log K)", "Stores the union of multiple sets in a key.") \
    X(sdiffstore, -3, W | CMD_DENYOOM, 1, -1, 1, "set", "1.0.0", "O(N)", "Stores the difference of multiple sets in a key.") \
    X(sscan, -3, R, 1, 1, 1, "set", "2.0.0", "O(1) per call", "Iterates over members of a set.")             \
    /* sorted sets */                                                                                        \
    X(zadd, -4, W | F | CMD_DENYOOM, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N)) per element", "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.") \
    X(zincrby, 4, W | F | CMD_DENYOOM, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N))", "Increments the score of a member in a sorted set.") \
    X(zrem, -3, W | F, 1, 1, 1, "sorted-set", "1.2.0", "O(M*log(N))", "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.") \
    X(zscore, 3, R | F, 1, 1, 1, "sorted-set", "1.2.0", "O(1)", "Returns the score of a member in a sorted set.") \
    X(zmscore, -3, R | F, 1, 1, 1, "sorted-set", "6.2.0", "O(N)", "Returns the score of one or more members in a sorted set.") \
    X(zcard, 2, R | F, 1, 1, 1, "sorted-set", "1.2.0", "O(1)", "Returns the number of members in a sorted set.") \
    X(zcount, 4, R | F, 1, 1, 1, "sorted-set", "2.0.0", "O(log(N)+M)", "Returns the count of members in a sorted set that have scores within a range.") \
    X(zlexcount, 4, R | F, 1, 1, 1, "sorted-set", "2.8.9", "O(log(N)+M)", "Returns the number of members in a sorted set within a lexicographical range.") \
    X(zrange, -4, R, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N)+M) by score or lex, O(rank+M) by index", "Returns members in a sorted set within a range of indexes, scores or lexicographical values.") \
    X(zrangestore, -5, W | CMD_DENYOOM, 1, 2, 1, "sorted-set", "6.2.0", "O(log(N)+M) by score or lex, O(rank+M) by index", "Stores a range of members from sorted set in a key.") \
    X(zrangebyscore, -4, R, 1, 1, 1, "sorted-set", "1.0.5", "O(log(N)+M)", "Returns members in a sorted set within a range of scores.") \
    X(zrevrangebyscore, -4, R, 1, 1, 1, "sorted-set", "2.2.0", "O(log(N)+M)", "Returns members in a sorted set within a range of scores in reverse order.") \
    X(zrangebylex, -4, R, 1, 1, 1, "sorted-set", "2.8.9", "O(log(N)+M)", "Returns members in a sorted set within a lexicographical range.") \
    X(zrevrangebylex, -4, R, 1, 1, 1, "sorted-set", "2.8.9", "O(log(N)+M)", "Returns members in a sorted set within a lexicographical range in reverse order.") \
    X(zrevrange, -4, R, 1, 1, 1, "sorted-set", "1.2.0", "O(rank+M)", "Returns members in a sorted set within a range of indexes in reverse order.") \
    X(zrank, -3, R | F, 1, 1, 1, "sorted-set", "2.0.0", "O(rank)", "Returns the index of a member in a sorted set ordered by ascending scores.") \
    X(zrevrank, -3, R | F, 1, 1, 1, "sorted-set", "2.0.0", "O(rank)", "Returns the index of a member in a sorted set ordered by descending scores.") \
    X(zremrangebyrank, 4, W, 1, 1, 1, "sorted-set", "2.0.0", "O(rank+M)", "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.") \
    X(zremrangebyscore, 4, W, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N)+M)", "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.") \
    X(zremrangebylex, 4, W, 1, 1, 1, "sorted-set", "2.8.9", "O(log(N)+M)", "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.") \
    X(zpopmin, -2, W | F, 1, 1, 1, "sorted-set", "5.0.0", "O(M)", "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.") \
    X(zpopmax, -2, W | F, 1, 1, 1, "sorted-set", "5.0.0", "O(M)", "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.") \
    X(zmpop, -4, W, 0, 0, 0, "sorted-set", "7.0.0", "O(K)+O(M)", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.") \
    X(bzpopmin, -3, W | F | CMD_BLOCKING, 1, -2, 1, "sorted-set", "5.0.0", "O(log(N))", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.") \
    X(bzpopmax, -3, W | F | CMD_BLOCKING, 1, -2, 1, "sorted-set", "5.0.0", "O(log(N))", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.") \
    X(bzmpop, -5, W | CMD_BLOCKING, 0, 0, 0, "sorted-set", "7.0.0", "O(K) + O(M*log(N))", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.") \
    X(zrandmember, -2, R, 1, 1, 1, "sorted-set", "6.2.0", "O(N)", "Returns one or more random members from a sorted set.") \
    X(zunion, -3, R, 0, 0, 0, "sorted-set", "6.2.0", "O(N)+O(M*log(M))", "Returns the union of multiple sorted sets.") \
    X(zinter, -3, R, 0, 0, 0, "sorted-set", "6.2.0", "O(N*K)+O(M*log(M))", "Returns the intersect of multiple sorted sets.") \
    X(zdiff, -3, R, 0, 0, 0, "sorted-set", "6.2.0", "O(L)+O(M*log(M))", "Returns the difference between multiple sorted sets.") \
    X(zunionstore, -4, W | CMD_DENYOOM, 1, 1, 1, "sorted-set", "2.0.0", "O(N)", "Stores the union of multiple sorted sets in a key.") \
    X(zinterstore, -4, W | CMD_DENYOOM, 1, 1, 1, "sorted-set", "2.0.0", "O(N*K)", "Stores the intersect of multiple sorted sets in a key.") \
    X(zdiffstore, -4, W | CMD_DENYOOM, 1, 1, 1, "sorted-set", "6.2.0", "O(L)", "Stores the difference of multiple sorted sets in a key.") \
    X(zintercard, -3, R, 0, 0, 0, "sorted-set", "7.0.0", "O(N*K)", "Returns the number of members of the intersect of multiple sorted sets.") \
    X(zscan, -3, R, 1, 1, 1, "sorted-set", "2.8.0", "O(1) per call", "Iterates over members and scores of a sorted set.") \
    /* generic keys */                                                                                      \
    X(del, -2, W, 1, -1, 1, "generic", "1.0.0", "O(N)", "Deletes one or more keys.")                          \
    X(unlink, -2, W | F, 1, -1, 1, "generic", "4.0.0", "O(1) per key", "Asynchronously deletes one or more keys.") \
    X(exists, -2, R | F, 1, -1, 1, "generic", "1.0.0", "O(N)", "Determines whether one or more keys exist.")   \
    X(type, 2, R | F, 1, 1, 1, "generic", "1.0.0", "O(1)", "Determines the type of value stored at a key.")   \
    X(touch, -2, R | F, 1, -1, 1, "generic", "3.2.1", "O(N)", "Returns the number of existing keys out of those specified after updating the time they were last accessed.") \
    X(expire, -3, W | F, 1, 1, 1, "generic", "1.0.0", "O(1)", "Sets the expiration time of a key in seconds.") \
    X(pexpire, -3, W | F, 1, 1, 1, "generic", "2.6.0", "O(1)", "Sets the expiration time of a key in milliseconds.") \
    X(expireat, -3, W | F, 1, 1, 1, "generic", "1.2.0", "O(1)", "Sets the expiration time of a key to a Unix timestamp.") \
    X(pexpireat, -3, W | F, 1, 1, 1, "generic", "2.6.0", "O(1)", "Sets the expiration time of a key to a Unix milliseconds timestamp.") \
    X(ttl, 2, R | F, 1, 1, 1, "generic", "1.0.0", "O(1)", "Returns the expiration time in seconds of a key.") \
    X(pttl, 2, R | F, 1, 1, 1, "generic", "2.6.0", "O(1)", "Returns the expiration time in milliseconds of a key.") \
    X(expiretime, 2, R | F, 1, 1, 1, "generic", "7.0.0", "O(1)", "Returns the expiration time of a key as a Unix timestamp.") \
    X(pexpiretime, 2, R | F, 1, 1, 1, "generic", "7.0.0", "O(1)", "Returns the expiration time of a key as a Unix milliseconds timestamp.") \
    X(persist, 2, W | F, 1, 1, 1, "generic", "2.2.0", "O(1)", "Removes the expiration time of a key.")       \
    X(keys, 2, R, 0, 0, 0, "generic", "1.0.0", "O(N)", "Returns all key names that match a pattern.")          \
    X(scan, -2, R, 0, 0, 0, "generic", "2.8.0", "O(1) per call", "Iterates over the key names in the database.") \
    X(rename, 3, W, 1, 2, 1, "generic", "1.0.0", "O(1) for strings, O(N) for collections", "Renames a key and overwrites the destination.") \
    X(renamenx, 3, W | F, 1, 2, 1, "generic", "1.0.0", "O(1) for strings, O(N) for collections", "Renames a key only when the target key name doesn't exist.") \
    X(randomkey, 1, R, 0, 0, 0, "generic", "1.0.0", "O(log N)", "Returns a random key name from the database.") \
    X(copy, -3, W, 1, 2, 1, "generic", "6.2.0", "O(N)", "Copies the value of a key to a new key.")           \
    /* server and connection */                                                                             \
    X(dbsize, 1, R | F, 0, 0, 0, "server", "1.0.0", "O(N)", "Returns the number of keys in the database.")    \
    X(flushdb, -1, W | A, 0, 0, 0, "server", "1.0.0", "O(1)", "Removes all keys from the current database.")  \
    X(flushall, -1, W | A, 0, 0, 0, "server", "1.0.0", "O(1)", "Removes all keys from all databases.")       \
    X(ping, -1, F | N, 0, 0, 0, "connection", "1.0.0", "O(1)", "Returns the server's liveliness response.")  \
    X(echo, 2, F, 0, 0, 0, "connection", "1.0.0", "O(1)", "Returns the given string.")                       \
    X(quit, -1, F | N, 0, 0, 0, "connection", "1.0.0", "O(1)", "Closes the connection.")                     \
    X(reset, 1, F | N, 0, 0, 0, "connection", "6.2.0", "O(1)", "Resets the connection.")                      \
    X(hello, -1, F | N, 0, 0, 0, "connection", "6.0.0", "O(1)", "Handshakes with the Redis server.")          \
    X(auth, -2, F | N, 0, 0, 0, "connection", "1.0.0", "O(N)", "Authenticates the connection.")              \
    X(select, 2, F, 0, 0, 0, "connection", "1.0.0", "O(1)", "Changes the selected database.")               \
    X(client, -2, 0 | CMD_CONTAINER, 0, 0, 0, "connection", "2.4.0", "Depends on subcommand.", "A container for client connection commands.") \
    X(command, -1, 0 | CMD_CONTAINER, 0, 0, 0, "server", "2.8.13", "O(N)", "Returns detailed information about all commands.") \
    X(config, -2, A | CMD_CONTAINER, 0, 0, 0, "server", "2.0.0", "Depends on subcommand.", "A container for server configuration commands.") \
    X(info, -1, 0, 0, 0, 0, "server", "1.0.0", "O(1)", "Returns information and statistics about the server.") \
    X(time, 1, F, 0, 0, 0, "server", "2.6.0", "O(1)", "Returns the server time.")                           \
    X(lastsave, 1, F, 0, 0, 0, "server", "1.0.0", "O(1)", "Returns the Unix timestamp of the last successful save to disk.") \
    X(shutdown, -1, A, 0, 0, 0, "server", "1.0.0", "O(N)", "Synchronously saves the database(s) to disk and shuts down the server.") \
    X(slowlog, -2, A | CMD_CONTAINER, 0, 0, 0, "server", "2.2.12", "Depends on subcommand.", "A container for slow log commands.") \
    X(debug, -2, A | CMD_CONTAINER, 0, 0, 0, "server", "1.0.0", "Depends on subcommand.", "A container for debugging commands.") \
    X(kprofile, -3, A | CMD_CONTAINER, 0, 0, 0, "server", "basalt 0.1.0", "O(1); DUMP O(profile size)",           \
      "Heap profiling at run time: KPROFILE MEMORY ENABLE|DISABLE|STATUS|DUMP (Kvrocks).")                     \
    X(memory, -2, CMD_CONTAINER, 0, 0, 0, "server", "4.0.0", "Depends on subcommand.", "A container for memory diagnostics commands.") \
    X(compact, 1, A, 0, 0, 0, "server", "basalt 0.1.0", "O(N)", "Compacts the whole database (Kvrocks), reclaiming deleted and expired data.")

#endif
