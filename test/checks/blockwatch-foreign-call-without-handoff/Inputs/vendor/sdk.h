// A vendor SDK: declarations only, the library is a binary blob.
#pragma once
extern "C" {
typedef struct sdk_handle sdk_handle;
int sdk_query(sdk_handle *h, const char *key);
int sdk_version(void);
}
