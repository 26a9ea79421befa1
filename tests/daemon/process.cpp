// bench/ compiles this file by path instead of linking zohosync_test_support:
// it carries the definitions of the helpers process.hpp names, from their
// one home in tests/support.
#include "tests/support/child_process.cpp"
#include "tests/support/files.cpp"
#include "tests/support/notify_socket.cpp"
