// The shape of JNI's C++ interface (jni.h): member functions that call
// through the JVM's function table.
#pragma once
struct JNINativeInterface_ {
  void (*CallVoidMethod)(void *env, void *obj, void *mid);
};
struct JNIEnv_ {
  const JNINativeInterface_ *functions;
  void CallVoidMethod(void *obj, void *mid) {
    functions->CallVoidMethod(this, obj, mid);
  }
};
typedef JNIEnv_ JNIEnv;
