/* settings_table.h -- the rows of the settings table (see settings.h for the columns). */
#ifndef TIMEMORY_SETTINGS_TABLE_H
#define TIMEMORY_SETTINGS_TABLE_H

#define TIMEMORY_SETTINGS_TABLE(X)                                                              \
    X(enabled, "TIMEMORY_ENABLED", BOOL, bool, "bool", true, 0, 0, "--timemory-enabled",       \
      "Activation state of timemory")                                                           \
    X(flat_profile, "TIMEMORY_FLAT_PROFILE", BOOL, bool, "bool", false, 0, 0,                  \
      "--timemory-flat-profile", "Set the label hierarchy mode to default to flat")            \
    X(timeline_profile, "TIMEMORY_TIMELINE_PROFILE", BOOL, bool, "bool", false, 0, 0,          \
      "--timemory-timeline-profile", "Set the label hierarchy mode to default to timeline")    \
    X(max_depth, "TIMEMORY_MAX_DEPTH", INT, uint16_t, "unsigned short", 65535, 0, 65535,       \
      "--timemory-max-depth", "Set the maximum depth of label hierarchy reporting")            \
    X(components, "TIMEMORY_COMPONENTS", STRING, char*, "std::string", "", 0, 0,               \
      "--timemory-components", "A specification of components which is used by the library interface") \
    X(global_components, "TIMEMORY_GLOBAL_COMPONENTS", STRING, char*, "std::string", "", 0, 0, \
      "--timemory-global-components", "A specification of components which is used by multiple variadic bundlers and user_bundles as the fall-back set of components if their specific variable is not set. E.g. user_mpip_bundle will use this if TIMEMORY_MPIP_COMPONENTS is not specified")

#endif
