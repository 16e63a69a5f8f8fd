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
    X(set, -3, W | CMD_DENYOOM, 1, 1, 1, "string", "1.0.0", "O(1)",                                          \
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")         \
    X(setnx, 3, W | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Set the string value of a key only when the key doesn't exist.") \
    X(setex, 4, W, 1, 1, 1, "string", "2.0.0", "O(1)", "Sets the string value and expiration time of a key.") \
    X(psetex, 4, W, 1, 1, 1, "string", "2.6.0", "O(1)",                                                      \
      "Sets both string value and expiration time in milliseconds of a key.")                               \
    X(mget, -2, R | F, 1, -1, 1, "string", "1.0.0", "O(N)", "Atomically returns the string values of one or more keys.") \
    X(mset, -3, W, 1, -1, 2, "string", "1.0.1", "O(N)", "Atomically creates or modifies the string values of one or more keys.") \
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
