#ifndef CIVGATE_CXML2_SHIM_H
#define CIVGATE_CXML2_SHIM_H
// libxml2 is built with ICU; its headers would pull in the system ICU, which clashes with the ICU that
// Foundation ships. civgate never uses libxml2's ICU encoding handlers, so hide them.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlmemory.h>

// xmlFree is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void civgate_xml_free(void *pointer) { xmlFree(pointer); }
#endif
