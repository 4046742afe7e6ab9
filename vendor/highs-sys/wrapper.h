#include <interfaces/highs_c_api.h>
