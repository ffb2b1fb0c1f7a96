#ifndef FERRY_CLIBXML2_SHIM_H
#define FERRY_CLIBXML2_SHIM_H
// Debian's libxml2 headers pull in the system ICU, which clashes with the ICU that
// Foundation ships. xmlversion.h decides whether ICU is used, so read it first and
// turn ICU off before any other libxml header looks at the flag.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/encoding.h>
#endif
